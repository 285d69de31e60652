package io.isostack.correlator.server;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.ReadContext;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.receiver.LiveIngest;
import io.isostack.correlator.receiver.MemoryLimiter;
import io.isostack.correlator.receiver.OtlpHttpReceiver;
import io.isostack.correlator.receiver.RejectTally;
import io.isostack.correlator.rules.RuleTable;
import java.time.Clock;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The OTLP/HTTP receiver alone on a Jetty server with one loopback connector on an ephemeral port
 * (one acceptor, one selector), feeding a live analyzer with default settings for host {@code
 * node-1} that is never started. Not instantiable.
 */
final class LoopbackOtlpHttp {
  private LoopbackOtlpHttp() {}

  /**
   * Starts the server; the caller stops it ({@code connector.getServer().stop()}).
   *
   * @return the started connector, whose {@code getLocalPort()} is the port
   */
  static ServerConnector start(
      long maxBodyBytes, MemoryLimiter memory, int maxConcurrentBodies, long readTimeoutNanos)
      throws Exception {
    LiveAnalyzer engine =
        new LiveAnalyzer(
            RuleTable.defaults(),
            LiveSettings.defaults(AnalyzerSettings.defaults()),
            System::nanoTime,
            f -> {});
    LiveIngest ingest =
        new LiveIngest(
            engine,
            engine,
            ReadContext.of(new ClockConverter(), "node-1", Clock.systemUTC()),
            new RejectTally(System::nanoTime));
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new OtlpHttpReceiver(ingest, maxBodyBytes, memory, maxConcurrentBodies, readTimeoutNanos));
    server.start();
    return connector;
  }
}
