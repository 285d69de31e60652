package io.isostack.correlator.receiver;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes whole responses. Stateless. */
public final class HttpResponses {
  static final String PROTOBUF = "application/x-protobuf";

  /** The JSON content type. */
  public static final String JSON = "application/json";

  private HttpResponses() {}

  /** Writes a whole response of {@code status} with the given body and content type. */
  public static void send(
      Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /**
   * Writes a whole plain-text (UTF-8) response of {@code status}, the text followed by a newline.
   */
  public static void text(Response response, Callback callback, int status, String text) {
    send(
        response,
        callback,
        status,
        "text/plain; charset=utf-8",
        (text + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
