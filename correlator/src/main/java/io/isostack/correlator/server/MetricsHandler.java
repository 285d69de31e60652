package io.isostack.correlator.server;

import io.isostack.correlator.metrics.ServeMetrics;
import io.isostack.correlator.receiver.HttpResponses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /metrics}: every meter of {@link ServeMetrics} in the Prometheus text format 0.0.4, or
 * in OpenMetrics 1.0 when the {@code Accept} header asks for it (as Prometheus does). Served
 * whether or not {@code --api} is given, like {@code /healthz}: it holds counts, not findings.
 * Other methods are 405; other paths are left to the next handler. Thread-safe.
 */
final class MetricsHandler extends Handler.Abstract {
  static final String PATH = "/metrics";

  private final ServeMetrics metrics;

  MetricsHandler(ServeMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws IOException {
    if (!Request.getPathInContext(request).equals(PATH)) {
      return false;
    }
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      HttpResponses.text(response, callback, 405, PATH + " accepts GET only");
      return true;
    }
    String type = ServeMetrics.negotiate(request.getHeaders().get(HttpHeader.ACCEPT));
    ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
    metrics.scrape(body, type);
    HttpResponses.send(response, callback, 200, type, body.toByteArray());
    return true;
  }
}
