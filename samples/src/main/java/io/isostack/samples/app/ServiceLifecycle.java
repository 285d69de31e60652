package io.isostack.samples.app;

import com.sun.net.httpserver.HttpServer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Start and stop of a sample service: starts the server, and on SIGTERM/SIGINT (JVM shutdown hook)
 * stops accepting, lets in-flight exchanges finish (at most 2 s), then flushes spans.
 */
final class ServiceLifecycle {

  private ServiceLifecycle() {}

  /** Starts {@code server} and blocks until the JVM is asked to terminate. */
  static void runUntilTerminated(
      HttpServer server, ExecutorService pool, Telemetry telemetry, String details)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop(2);
                  pool.shutdown();
                  try {
                    pool.awaitTermination(2, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  telemetry.shutdown();
                  System.err.printf(
                      "%s pid=%d stopped, spans flushed%n",
                      telemetry.serviceName(), ProcessHandle.current().pid());
                  stopped.countDown();
                },
                "shutdown"));
    server.start();
    System.err.printf(
        "%s pid=%d listening on %s %s%n",
        telemetry.serviceName(), ProcessHandle.current().pid(), server.getAddress(), details);
    stopped.await();
  }
}
