package io.isostack.correlator.server;

import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.metrics.ServeMetrics;
import io.isostack.correlator.receiver.EventProducer;
import io.isostack.correlator.receiver.LiveIngest;
import io.isostack.correlator.receiver.OtlpHttpReceiver;
import io.isostack.correlator.receiver.RejectTally;
import java.io.IOException;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP face of {@code correlator serve} on one port (Jetty 12 core, no servlets): the OTLP/HTTP
 * receiver and kernel-event endpoint ({@link OtlpHttpReceiver}), then the API ({@link ApiHandler}),
 * then {@code /metrics} ({@link MetricsHandler}, when given meters); anything else is 404.
 *
 * <p>Slow clients cannot starve the others: request headers are parsed without a thread (Jetty's
 * selector), a connection silent for {@value #IDLE_TIMEOUT_MILLIS} ms is closed, at most {@value
 * #MAX_CONCURRENT_BODIES} request bodies are read at once (of {@value #THREADS} threads, so that
 * {@code /healthz}, {@code /metrics} and the API always find one) and a body must arrive within
 * {@value #READ_TIMEOUT_MILLIS} ms of its request's start. Thread-safe.
 */
public final class LiveHttpServer implements AutoCloseable {
  /** Threads serving requests (Jetty's pool, including its acceptor and selector). */
  static final int THREADS = 32;

  /** Request bodies read at once; more are answered 429 with {@code Retry-After}. */
  static final int MAX_CONCURRENT_BODIES = 16;

  /** A connection that sends nothing for this long is closed, milliseconds. */
  static final long IDLE_TIMEOUT_MILLIS = 10_000;

  /** The longest a request body may take to arrive, milliseconds (408 after). */
  static final long READ_TIMEOUT_MILLIS = 20_000;

  private final Server server;
  private final ServerConnector connector;

  /**
   * Creates the server; {@link #start()} binds it.
   *
   * @param bind the address to listen on
   * @param port the port; 0 picks a free one
   * @param maxBodyBytes the largest request body accepted, before and after decompression
   * @param ingest where received data goes
   * @param engine read by the API
   * @param rejects read by {@code /api/stats}
   * @param producers read by {@code /api/stats}
   * @param api whether {@code /api/*} is served
   * @param metrics served at {@code /metrics}, or null for none
   */
  public LiveHttpServer(
      String bind,
      int port,
      long maxBodyBytes,
      LiveIngest ingest,
      LiveAnalyzer engine,
      RejectTally rejects,
      List<EventProducer> producers,
      boolean api,
      ServeMetrics metrics) {
    QueuedThreadPool threads = new QueuedThreadPool(THREADS, 2);
    threads.setName("otlp-http");
    threads.setDaemon(true);
    server = new Server(threads);
    connector = new ServerConnector(server, 1, 1);
    connector.setHost(bind);
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    server.addConnector(connector);
    Handler.Sequence handlers =
        new Handler.Sequence(
            new OtlpHttpReceiver(
                ingest,
                maxBodyBytes,
                engine.memory(),
                MAX_CONCURRENT_BODIES,
                READ_TIMEOUT_MILLIS * 1_000_000L),
            new ApiHandler(engine, rejects, producers, api),
            new ReportPageHandler(engine, api));
    if (metrics != null) {
      handlers.addHandler(new MetricsHandler(metrics));
    }
    server.setHandler(handlers);
    server.setStopTimeout(500);
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException if the port cannot be bound (or Jetty fails to start)
   */
  public void start() throws IOException {
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly();
      throw e;
    } catch (Exception e) {
      stopQuietly();
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The bound port. */
  public int port() {
    return connector.getLocalPort();
  }

  /** Stops serving. */
  @Override
  public void close() {
    stopQuietly();
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping anyway
    }
  }
}
