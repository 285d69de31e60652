package io.isostack.correlator.server;

import io.isostack.correlator.metrics.ServeMetrics;
import io.isostack.correlator.receiver.BearerToken;
import io.isostack.correlator.receiver.TlsFiles;
import io.isostack.correlator.receiver.TransportSecurity;
import io.isostack.correlator.stream.CorrelatorStream;
import io.isostack.correlator.stream.StreamStats;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one {@code correlator stream} instance runs: its Kafka Streams application ({@link
 * CorrelatorStream}) and the HTTP face {@code serve} has, read-only: {@code /healthz} (the Kafka
 * Streams state: 200 while {@code RUNNING} or {@code REBALANCING}, else 503 with the state and
 * why), with {@code --api} {@code GET /api/findings} (the findings this instance published, newest
 * first, as {@code serve} gives them) and {@code GET /api/stats} (its counters and state), and
 * {@code GET /metrics} (its Kafka Streams metrics and the correlator's counters, {@link
 * io.isostack.correlator.metrics.StreamMetrics}). The HTTP face has {@code serve}'s transport
 * security ({@link TransportSecurity}: TLS with PEM files reloaded on change, mutual TLS, the
 * bearer token on every path but {@code /healthz}, the {@code Host}/{@code Origin} checks). Started
 * HTTP first, so that a port in use fails before the instance joins its group; stopped HTTP first.
 * Not thread-safe: start and close from one thread.
 */
public final class StreamServer implements AutoCloseable {
  /**
   * What to serve.
   *
   * @param bind the address the HTTP server listens on
   * @param port its port; 0 picks a free one, -1 turns it off
   * @param api whether {@code /api/*} is served
   * @param security TLS, mutual TLS, the bearer token and the allowed {@code Host} names
   */
  public record Settings(String bind, int port, boolean api, TransportSecurity security) {
    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming {@code port} when it is out of range, or the security
     *     option that does not fit the bind address ({@link TransportSecurity#validate})
     */
    public Settings {
      Objects.requireNonNull(bind, "bind");
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, or -1 for off: " + port);
      }
      Objects.requireNonNull(security, "security");
      security.validate(bind);
    }

    /** Settings without TLS or token ({@link TransportSecurity#NONE}). */
    public Settings(String bind, int port, boolean api) {
      this(bind, port, api, TransportSecurity.NONE);
    }
  }

  private final CorrelatorStream stream;
  private final LiveHttpServer http;
  private final TlsFiles tls;

  /**
   * Wires the instance; nothing runs before {@link #start()}.
   *
   * @param stream the Kafka Streams instance (not yet started)
   * @param settings what to serve
   * @param metrics served at {@code /metrics}, the stream's meters bound into it here; or null for
   *     none. The caller closes it.
   * @throws IllegalArgumentException if a TLS or token file cannot be read
   */
  public StreamServer(CorrelatorStream stream, Settings settings, ServeMetrics metrics) {
    this.stream = Objects.requireNonNull(stream, "stream");
    if (metrics != null) {
      metrics.bindStream(stream);
    }
    TransportSecurity security = settings.security();
    boolean on = settings.port() >= 0;
    BearerToken token =
        on && security.tokenFile() != null
            ? new BearerToken(security.tokenFile(), System::nanoTime)
            : null;
    tls = on && security.tls() ? new TlsFiles(security, TlsFiles.RELOAD_SECONDS * 1000L) : null;
    http =
        on
            ? new LiveHttpServer(
                settings.bind(),
                settings.port(),
                stream,
                () -> stats(stream),
                settings.api(),
                metrics,
                security,
                tls,
                token)
            : null;
  }

  /**
   * Binds the HTTP port, then starts the stream threads.
   *
   * @throws LiveServer.ReceiverBindException if the port cannot be bound (nothing is started)
   */
  public void start() throws IOException {
    startHttp();
    stream.start();
  }

  /** Binds the HTTP port only, not the stream (package-private for tests). */
  void startHttp() throws IOException {
    if (http != null) {
      try {
        http.start();
      } catch (IOException e) {
        throw new LiveServer.ReceiverBindException("HTTP", e);
      }
    }
  }

  /** The bound HTTP port, or -1 when off. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The Kafka Streams instance. */
  public CorrelatorStream stream() {
    return stream;
  }

  /** Stops serving HTTP, then the stream (it commits and leaves the group). */
  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    if (tls != null) {
      tls.close();
    }
    stream.close();
  }

  /** The body of {@code /api/stats}: the state and every counter of {@link StreamStats}. */
  static Map<String, Object> stats(CorrelatorStream stream) {
    StreamStats s = stream.stats();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("state", stream.state().name());
    o.put("spansReceived", s.spans());
    o.put("spansLate", s.spansLate());
    o.put("tracesEvaluated", s.traces());
    o.put("hopsSent", s.hops());
    o.put("eventsReceived", s.events());
    o.put("eventsStored", s.eventsStored());
    o.put("hopsParked", s.hopsParked());
    o.put("hopsVisited", s.hopsVisited());
    o.put("findingsByLayer", s.findingsByLayer());
    o.put("rejectedByReason", s.rejectedByReason());
    return o;
  }
}
