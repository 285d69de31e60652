package io.isostack.samples.app;

import com.sun.net.httpserver.HttpExchange;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Starts and ends HTTP SERVER spans with the current (stable) HTTP and network semantic
 * conventions, extracting the W3C {@code traceparent} from the request headers.
 *
 * <p>Span name: {@code "{method} {route}"}, e.g. {@code GET /pay}. Attributes: {@code
 * http.request.method}, {@code http.route}, {@code url.path}, {@code url.scheme}, {@code
 * server.address}, {@code server.port}, {@code network.transport}, {@code network.type}, {@code
 * network.protocol.version}, {@code network.peer.address}/{@code network.peer.port} (the client
 * socket), {@code client.address}/{@code client.port} (same values, no proxy here), {@code
 * network.local.address}/{@code network.local.port}, {@code thread.name}/{@code thread.id} (the JVM
 * worker thread: its name is also the kernel {@code comm}, truncated to 15 bytes, which joins the
 * span to sched events of that thread; the id is the JVM's, not the OS tid), and at the end {@code
 * http.response.status_code}.
 */
final class HttpServerSpans {

  static final AttributeKey<String> HTTP_REQUEST_METHOD =
      AttributeKey.stringKey("http.request.method");
  static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> NETWORK_PEER_ADDRESS =
      AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> NETWORK_PEER_PORT = AttributeKey.longKey("network.peer.port");
  static final AttributeKey<String> NETWORK_TRANSPORT = AttributeKey.stringKey("network.transport");
  static final AttributeKey<String> NETWORK_TYPE = AttributeKey.stringKey("network.type");
  static final AttributeKey<String> NETWORK_PROTOCOL_VERSION =
      AttributeKey.stringKey("network.protocol.version");

  private static final TextMapGetter<HttpExchange> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpExchange carrier) {
          return carrier.getRequestHeaders().keySet();
        }

        @Override
        public String get(HttpExchange carrier, String key) {
          if (carrier == null) {
            return null;
          }
          List<String> values = carrier.getRequestHeaders().get(key);
          return values == null || values.isEmpty() ? null : values.get(0);
        }
      };

  private HttpServerSpans() {}

  /**
   * Starts the SERVER span of {@code exchange}, child of the remote parent if one was sent. The
   * base context is the current one, not the root: under the OpenTelemetry Java agent ({@code
   * --telemetry agent}) it holds the agent's own SERVER span, and the no-op span made here then
   * carries that span's context, so that the agent's CLIENT span of the backend call stays in the
   * request's trace (from the root, the no-op span would make the context invalid and every call to
   * the backend a new trace). Without the agent the server thread's current context is the root.
   */
  static Span start(Telemetry telemetry, HttpExchange exchange, String route) {
    Context parent = telemetry.propagator().extract(Context.current(), exchange, GETTER);
    String method = exchange.getRequestMethod();
    InetSocketAddress peer = exchange.getRemoteAddress();
    InetSocketAddress local = exchange.getLocalAddress();
    return telemetry
        .tracer()
        .spanBuilder(method + " " + route)
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(HTTP_REQUEST_METHOD, method)
        .setAttribute("http.route", route)
        .setAttribute("url.path", exchange.getRequestURI().getPath())
        .setAttribute("url.scheme", "http")
        .setAttribute(SERVER_ADDRESS, local.getAddress().getHostAddress())
        .setAttribute(SERVER_PORT, (long) local.getPort())
        .setAttribute(NETWORK_TRANSPORT, "tcp")
        .setAttribute(NETWORK_TYPE, "ipv4")
        .setAttribute(NETWORK_PROTOCOL_VERSION, "1.1")
        .setAttribute(NETWORK_PEER_ADDRESS, peer.getAddress().getHostAddress())
        .setAttribute(NETWORK_PEER_PORT, (long) peer.getPort())
        .setAttribute("client.address", peer.getAddress().getHostAddress())
        .setAttribute("client.port", (long) peer.getPort())
        .setAttribute("network.local.address", local.getAddress().getHostAddress())
        .setAttribute("network.local.port", (long) local.getPort())
        .setAttribute("thread.name", Thread.currentThread().getName())
        .setAttribute("thread.id", Thread.currentThread().getId())
        .startSpan();
  }

  /** Records the response status (ERROR for 5xx) and ends the span. */
  static void end(Span span, int status) {
    span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
    if (status >= 500) {
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }
}
