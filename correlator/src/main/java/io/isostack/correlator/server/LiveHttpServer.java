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
 * Thread-safe.
 */
public final class LiveHttpServer implements AutoCloseable {
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
    QueuedThreadPool threads = new QueuedThreadPool(32, 2);
    threads.setName("otlp-http");
    threads.setDaemon(true);
    server = new Server(threads);
    connector = new ServerConnector(server, 1, 1);
    connector.setHost(bind);
    connector.setPort(port);
    server.addConnector(connector);
    Handler.Sequence handlers =
        new Handler.Sequence(
            new OtlpHttpReceiver(ingest, maxBodyBytes, engine.memory()),
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
