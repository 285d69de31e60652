package io.isostack.correlator.receiver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.isostack.codec.RejectReason;
import io.isostack.codec.Rejection;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The OTLP/HTTP receiver (docs/formats/05-otlp.md) and the kernel-event endpoint: {@code POST
 * /v1/traces}, {@code POST /v1/logs} ({@code application/x-protobuf} or {@code application/json},
 * optionally gzip) and {@code POST /v1/kernel-events} (canonical JSON lines, or the format named by
 * {@code ?format=}; {@code application/json}, {@code application/x-ndjson} or {@code
 * application/x-protobuf}).
 *
 * <p>Status codes: 200 with an {@code Export…ServiceResponse} in the request's content type
 * (partial success when some records were rejected); 400 with a {@code google.rpc.Status} for an
 * undecodable body; 413 above the size limit (also after decompression); 415 for other content
 * types or encodings; 503 with {@code Retry-After: 1} when the engine's queue is full or memory is
 * short (the {@link MemoryLimiter} is above its soft limit before the body is read, or the body and
 * its decoding would take it past the hard limit); 405 for other methods on these paths. Other
 * paths are left to the next handler.
 *
 * <p>Slow clients cannot take the port: at most {@code maxConcurrentBodies} bodies are read at once
 * (429 with {@code Retry-After: 1} beyond, so that threads stay free for {@code /healthz}, {@code
 * /metrics} and the API), and a body must have arrived within the read timeout of its request's
 * start (408, connection closed). Thread-safe.
 */
public final class OtlpHttpReceiver extends Handler.Abstract {
  static final String TRACES = "/v1/traces";
  static final String LOGS = "/v1/logs";
  static final String KERNEL_EVENTS = "/v1/kernel-events";
  private static final String NDJSON = "application/x-ndjson";
  private static final JsonFactory JSON_FACTORY = new JsonFactory();
  private static final int INVALID_ARGUMENT = 3;
  private static final int RESOURCE_EXHAUSTED = 8;
  private static final int UNAVAILABLE = 14;

  /** The decoded form of a body is taken to need this many times the body's bytes. */
  static final int DECODE_FACTOR = 3;

  private final LiveIngest ingest;
  private final long maxBodyBytes;
  private final MemoryLimiter memory;
  private final Semaphore bodies;
  private final long readTimeoutNanos;

  /**
   * Creates the receiver.
   *
   * @param ingest where decoded requests go
   * @param maxBodyBytes the largest body accepted, compressed or after decompression (413 above)
   * @param memory where bodies in flight and their decoding are reserved
   * @param maxConcurrentBodies the most bodies read at once; beyond, 429
   * @param readTimeoutNanos the longest a body may take to arrive, from the start of its request
   * @throws IllegalArgumentException if a limit is not positive
   */
  public OtlpHttpReceiver(
      LiveIngest ingest,
      long maxBodyBytes,
      MemoryLimiter memory,
      int maxConcurrentBodies,
      long readTimeoutNanos) {
    if (maxConcurrentBodies <= 0 || readTimeoutNanos <= 0) {
      throw new IllegalArgumentException(
          "maxConcurrentBodies and readTimeoutNanos must be positive: "
              + maxConcurrentBodies
              + ", "
              + readTimeoutNanos);
    }
    this.ingest = ingest;
    this.maxBodyBytes = maxBodyBytes;
    this.memory = Objects.requireNonNull(memory, "memory");
    this.bodies = new Semaphore(maxConcurrentBodies);
    this.readTimeoutNanos = readTimeoutNanos;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    if (!path.equals(TRACES) && !path.equals(LOGS) && !path.equals(KERNEL_EVENTS)) {
      return false;
    }
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      HttpResponses.text(response, callback, 405, path + " accepts POST only");
      return true;
    }
    String type = mediaType(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
    boolean kernel = path.equals(KERNEL_EVENTS);
    boolean json = kernel || HttpResponses.JSON.equals(type);
    if (kernel
        && !HttpResponses.JSON.equals(type)
        && !NDJSON.equals(type)
        && !HttpResponses.PROTOBUF.equals(type)) {
      // Not text/plain or a form: those are what a browser page may POST cross-origin without
      // asking (a CORS "simple request"), e.g. a clock.sync rewriting a host's clock offset.
      HttpResponses.text(
          response,
          callback,
          415,
          "Content-Type must be application/json, application/x-ndjson or"
              + " application/x-protobuf, not "
              + type);
      return true;
    }
    if (!kernel && !json && !HttpResponses.PROTOBUF.equals(type)) {
      HttpResponses.text(
          response,
          callback,
          415,
          "Content-Type must be application/x-protobuf or application/json, not " + type);
      return true;
    }
    if (!bodies.tryAcquire()) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      status(
          response, callback, 429, json, UNAVAILABLE, "too many requests in flight; retry later");
      return true;
    }
    try {
      readAndIngest(request, response, callback, path, kernel, json);
    } finally {
      bodies.release();
    }
    return true;
  }

  private void readAndIngest(
      Request request,
      Response response,
      Callback callback,
      String path,
      boolean kernel,
      boolean json) {
    long deadline = request.getBeginNanoTime() + readTimeoutNanos;
    if (!memory.admits()) {
      try (InputStream raw = Content.Source.asInputStream(request)) {
        HttpBody.swallow(raw, deadline);
      } catch (IOException e) {
        // answering anyway
      }
      overloaded(response, callback, json, SHORT_OF_MEMORY);
      return;
    }
    HttpBody body;
    try {
      body = HttpBody.read(request, maxBodyBytes, memory, deadline);
    } catch (HttpBody.ReadTimeoutException e) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      HttpResponses.text(response, callback, 408, e.getMessage());
      return;
    } catch (HttpBody.OverloadedException e) {
      overloaded(response, callback, json, e.getMessage());
      return;
    } catch (HttpBody.TooLargeException e) {
      status(response, callback, 413, json, RESOURCE_EXHAUSTED, e.getMessage());
      return;
    } catch (HttpBody.UnsupportedEncodingException e) {
      HttpResponses.text(response, callback, 415, e.getMessage());
      return;
    } catch (IOException e) {
      status(response, callback, 400, json, INVALID_ARGUMENT, "unreadable body: " + e.getMessage());
      return;
    }
    long decodeBytes = (long) DECODE_FACTOR * body.length();
    if (!memory.tryReserve(MemoryLimiter.Buffer.REQUEST_BODIES, decodeBytes)) {
      body.release(memory);
      overloaded(response, callback, json, SHORT_OF_MEMORY);
      return;
    }
    try {
      String source = "otlp-http " + path;
      String format = kernel ? Request.extractQueryParameters(request).getValue("format") : null;
      IngestResult r = decode(ingest, path, json, body.bytes(), body.length(), format, source);
      if (kernel) {
        kernelEvents(r, response, callback);
      } else if (!failed(r, json, response, callback)) {
        if (json) {
          ok(response, callback, PartialSuccess.json(r, path.equals(TRACES)));
        } else if (path.equals(TRACES)) {
          ok(response, callback, PartialSuccess.traces(r));
        } else {
          ok(response, callback, PartialSuccess.logs(r));
        }
      }
    } finally {
      memory.release(MemoryLimiter.Buffer.REQUEST_BODIES, decodeBytes);
      body.release(memory);
    }
  }

  private static final String SHORT_OF_MEMORY =
      "the correlator is short of memory (above its soft limit); retry later";

  /**
   * The retryable refusal for overload (memory or a full queue): 503 with {@code Retry-After} and a
   * {@code google.rpc.Status} of code UNAVAILABLE, counted in the limiter when it is for memory.
   */
  private void overloaded(Response response, Callback callback, boolean json, String message) {
    memory.refused();
    retryLater(response, callback, json, message);
  }

  private static void retryLater(
      Response response, Callback callback, boolean json, String message) {
    response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
    status(response, callback, 503, json, UNAVAILABLE, message);
  }

  /**
   * Decodes one request body of an endpoint and hands its records to {@code ingest}: the whole
   * decode path of this receiver after the transport (and what the fuzz tests drive).
   *
   * @param path {@code /v1/traces}, {@code /v1/logs} or {@code /v1/kernel-events}
   * @param json whether the body is OTLP/JSON (ignored for kernel events)
   * @param format the kernel-event format, or null for the canonical stream
   * @return the outcome; never throws for any body
   */
  static IngestResult decode(
      LiveIngest ingest,
      String path,
      boolean json,
      byte[] body,
      int len,
      String format,
      String source) {
    if (path.equals(KERNEL_EVENTS)) {
      return ingest.kernelEvents(body, len, format, source);
    }
    boolean traces = path.equals(TRACES);
    if (json) {
      return traces ? ingest.tracesJson(body, len, source) : ingest.logsJson(body, len, source);
    }
    if (traces) {
      return ingest.traces(body, len, OtlpTransport.HTTP, source);
    }
    try {
      return ingest.logs(
          ExportLogsServiceRequest.parseFrom(com.google.protobuf.ByteString.copyFrom(body, 0, len)),
          OtlpTransport.HTTP,
          source);
    } catch (InvalidProtocolBufferException e) {
      return ingest.undecodable(
          source,
          RejectReason.INVALID_PROTOBUF,
          "the body is not a valid protobuf message: " + e.getMessage());
    }
  }

  private static void kernelEvents(IngestResult r, Response response, Callback callback) {
    if (r.outcome() == IngestResult.Outcome.REFUSED) {
      retryLater(response, callback, true, r.message());
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON_FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("accepted", r.accepted());
      g.writeNumberField("rejected", r.rejected());
      if (r.outcome() == IngestResult.Outcome.INVALID && r.errors().isEmpty()) {
        g.writeStringField("message", r.message()); // nothing was decoded: say why
      }
      g.writeObjectFieldStart("skipped");
      for (var e : r.skipped().entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeArrayFieldStart("errors");
      for (Rejection x : r.errors()) {
        g.writeStartObject();
        g.writeNumberField("line", x.line());
        g.writeStringField("reason", x.reason());
        g.writeStringField("message", x.message());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int status = r.outcome() == IngestResult.Outcome.INVALID ? 400 : 200;
    HttpResponses.send(response, callback, status, HttpResponses.JSON, out.toByteArray());
  }

  private static boolean failed(IngestResult r, boolean json, Response response, Callback cb) {
    switch (r.outcome()) {
      case REFUSED -> {
        retryLater(response, cb, json, r.message());
        return true;
      }
      case INVALID -> {
        status(response, cb, 400, json, INVALID_ARGUMENT, r.message());
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  private static void ok(Response response, Callback callback, MessageLite message) {
    HttpResponses.send(response, callback, 200, HttpResponses.PROTOBUF, message.toByteArray());
  }

  private static void ok(Response response, Callback callback, byte[] json) {
    HttpResponses.send(response, callback, 200, HttpResponses.JSON, json);
  }

  /** A {@code google.rpc.Status} body in the request's content type. */
  private static void status(
      Response response, Callback callback, int http, boolean json, int code, String message) {
    if (json) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator g = JSON_FACTORY.createGenerator(out)) {
        g.writeStartObject();
        g.writeNumberField("code", code);
        g.writeStringField("message", message);
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      HttpResponses.send(response, callback, http, HttpResponses.JSON, out.toByteArray());
    } else {
      com.google.rpc.Status s =
          com.google.rpc.Status.newBuilder().setCode(code).setMessage(message).build();
      HttpResponses.send(response, callback, http, HttpResponses.PROTOBUF, s.toByteArray());
    }
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "none";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .trim()
        .toLowerCase(Locale.ROOT);
  }
}
