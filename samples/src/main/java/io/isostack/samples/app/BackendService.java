package io.isostack.samples.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code backend} service: {@code GET /pay} burns a fixed amount of CPU ({@link CpuWork}) on
 * its worker thread and answers {@code 200 paid}.
 *
 * <p>Worker threads are named {@code pay-worker-N}; the JVM copies the name into the kernel {@code
 * comm}, so sched events of the request threads are recognisable.
 */
final class BackendService {

  private BackendService() {}

  /** Serves on {@code bind}:{@code port} until SIGTERM; then stops and flushes spans. */
  static void run(
      InetAddress bind,
      int port,
      Telemetry telemetry,
      int workIterations,
      int threads,
      RequestIo io)
      throws IOException, InterruptedException {
    // JIT warm-up so that the first measured requests are not slowed by compilation.
    for (int i = 0; i < 30; i++) {
      CpuWork.hash(workIterations);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "pay-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 64);
    server.setExecutor(pool);
    server.createContext("/pay", exchange -> handle(exchange, telemetry, workIterations, io));
    ServiceLifecycle.runUntilTerminated(server, pool, telemetry, "iterations=" + workIterations);
  }

  private static void handle(
      HttpExchange exchange, Telemetry telemetry, int workIterations, RequestIo io)
      throws IOException {
    Span span = HttpServerSpans.start(telemetry, exchange, "/pay");
    int status = 200;
    Scope scope = span.makeCurrent();
    try {
      if (!"GET".equals(exchange.getRequestMethod())) {
        status = 405;
        respond(exchange, status, "method not allowed\n");
        return;
      }
      int h = CpuWork.hash(workIterations);
      io.perform();
      respond(exchange, status, "paid " + (h & 0xff) + "\n");
    } catch (IOException | RuntimeException e) {
      status = 500;
      span.recordException(e);
      throw e;
    } finally {
      scope.close();
      HttpServerSpans.end(span, status);
    }
  }

  static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(bytes);
    }
  }
}
