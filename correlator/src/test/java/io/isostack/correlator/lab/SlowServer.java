package io.isostack.correlator.lab;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server (the JDK's) answering {@code /ok} at once, {@code /slow} after a delay and
 * {@code /broken} with a 503, recording each request's {@code traceparent}.
 */
final class SlowServer implements AutoCloseable {
  final List<String> traceparents = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  SlowServer(long slowMillis) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(pool);
    server.createContext(
        "/",
        exchange -> {
          traceparents.add(String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
          String path = exchange.getRequestURI().getPath();
          if (path.equals("/slow")) {
            try {
              Thread.sleep(slowMillis);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          exchange.sendResponseHeaders(path.equals("/broken") ? 503 : 200, -1);
          exchange.close();
        });
    server.start();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
