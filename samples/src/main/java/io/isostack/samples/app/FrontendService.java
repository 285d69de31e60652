package io.isostack.samples.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code frontend} service: {@code GET /checkout} calls the backend's {@code GET /pay} and
 * answers with its body (502 when the backend fails).
 *
 * <p>Spans: SERVER {@code GET /checkout}, and around the backend call a CLIENT span named {@code
 * GET /pay} ({@code "{method} {url.template}"}, with {@code url.template=/pay}) carrying {@code
 * http.request.method}, {@code url.full}, {@code url.template}, {@code server.address}, {@code
 * server.port}, {@code network.peer.address}, {@code network.peer.port} (the backend socket; the
 * JDK client does not expose its own ephemeral port), {@code network.transport}, {@code
 * network.type} and {@code http.response.status_code}. The W3C {@code traceparent} of the CLIENT
 * span is injected into the request.
 */
final class FrontendService {

  private static final TextMapSetter<HttpRequest.Builder> SETTER =
      (carrier, key, value) -> {
        if (carrier != null) {
          carrier.setHeader(key, value);
        }
      };

  private FrontendService() {}

  /** Serves on {@code bind}:{@code port} until SIGTERM; then stops and flushes spans. */
  static void run(InetAddress bind, int port, String backendBase, Telemetry telemetry, int threads)
      throws IOException, InterruptedException {
    URI payUri = URI.create(backendBase).resolve("/pay");
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "checkout-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 64);
    server.setExecutor(pool);
    server.createContext("/checkout", exchange -> handle(exchange, telemetry, client, payUri));
    ServiceLifecycle.runUntilTerminated(server, pool, telemetry, "backend=" + payUri);
  }

  private static void handle(
      HttpExchange exchange, Telemetry telemetry, HttpClient client, URI payUri)
      throws IOException {
    Span span = HttpServerSpans.start(telemetry, exchange, "/checkout");
    int status = 200;
    Scope scope = span.makeCurrent();
    try {
      if (!"GET".equals(exchange.getRequestMethod())) {
        status = 405;
        BackendService.respond(exchange, status, "method not allowed\n");
        return;
      }
      String body;
      try {
        body = callPay(telemetry, client, payUri);
      } catch (IOException e) {
        span.recordException(e);
        body = null;
      }
      if (body == null) {
        status = 502;
        BackendService.respond(exchange, status, "backend failed\n");
      } else {
        BackendService.respond(exchange, status, "checkout ok, " + body);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 503;
      BackendService.respond(exchange, status, "interrupted\n");
    } finally {
      scope.close();
      HttpServerSpans.end(span, status);
    }
  }

  /** Returns the backend's body, or null when it answered non-2xx. */
  private static String callPay(Telemetry telemetry, HttpClient client, URI payUri)
      throws IOException, InterruptedException {
    Span span =
        telemetry
            .tracer()
            .spanBuilder("GET /pay")
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(HttpServerSpans.HTTP_REQUEST_METHOD, "GET")
            .setAttribute("url.full", payUri.toString())
            .setAttribute("url.template", "/pay")
            .setAttribute(HttpServerSpans.SERVER_ADDRESS, payUri.getHost())
            .setAttribute(HttpServerSpans.SERVER_PORT, (long) payUri.getPort())
            .setAttribute(
                HttpServerSpans.NETWORK_PEER_ADDRESS,
                InetAddress.getByName(payUri.getHost()).getHostAddress())
            .setAttribute(HttpServerSpans.NETWORK_PEER_PORT, (long) payUri.getPort())
            .setAttribute(HttpServerSpans.NETWORK_TRANSPORT, "tcp")
            .setAttribute(HttpServerSpans.NETWORK_TYPE, "ipv4")
            .setAttribute(HttpServerSpans.NETWORK_PROTOCOL_VERSION, "1.1")
            .startSpan();
    Scope scope = span.makeCurrent();
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(payUri).GET().timeout(Duration.ofSeconds(30));
      telemetry.propagator().inject(Context.current(), request, SETTER);
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      span.setAttribute(HttpServerSpans.HTTP_RESPONSE_STATUS_CODE, (long) response.statusCode());
      if (response.statusCode() >= 400) {
        span.setStatus(StatusCode.ERROR);
        return null;
      }
      return response.body();
    } catch (IOException | RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      span.setAttribute("error.type", e.getClass().getName());
      throw e;
    } finally {
      scope.close();
      span.end();
    }
  }
}
