package io.isostack.correlator.server;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.LibbpfToolsReader;
import io.isostack.codec.ReadContext;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.metrics.ServeMetrics;
import io.isostack.correlator.receiver.AllowedHosts;
import io.isostack.correlator.receiver.BearerToken;
import io.isostack.correlator.receiver.EventFollower;
import io.isostack.correlator.receiver.EventInput;
import io.isostack.correlator.receiver.EventProducer;
import io.isostack.correlator.receiver.LiveIngest;
import io.isostack.correlator.receiver.OtlpGrpcReceiver;
import io.isostack.correlator.receiver.ReceiverLimits;
import io.isostack.correlator.receiver.RejectTally;
import io.isostack.correlator.receiver.RequestRefusals;
import io.isostack.correlator.receiver.TlsFiles;
import io.isostack.correlator.receiver.TransportSecurity;
import io.isostack.correlator.storage.StoredReplay;
import io.isostack.correlator.storage.WriteAheadStore;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code correlator serve} runs, wired and started in pipeline order (engine, receivers,
 * followers, producers) and stopped in reverse (receivers first, so no new data comes, then inputs,
 * then the engine, which evaluates what it holds). Not thread-safe: start and close from one
 * thread.
 */
public final class LiveServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveServer.class);

  /**
   * What to serve.
   *
   * @param bind the address the receivers listen on
   * @param grpcPort the OTLP/gRPC port; 0 picks a free one, -1 turns it off
   * @param httpPort the OTLP/HTTP (and API) port; 0 picks a free one, -1 turns it off
   * @param limits the largest request accepted (also after decompression), the requests served at
   *     once and the HTTP read and idle timeouts, on both receivers
   * @param api whether {@code /api/*} is served on the HTTP port
   * @param events kernel-event files or FIFOs to follow, as {@code [FORMAT:]PATH} ({@link
   *     EventInput#parse}); {@code -} is standard input; a directory or glob is followed by its
   *     newest matching file ({@code runsc:DIR/}: the newest sandbox's boot log)
   * @param producers shell commands whose standard output is kernel events, as {@code
   *     [FORMAT:]COMMAND}
   * @param defaultHost the host of events without {@code host.name}
   * @param libbpf the date, zone and start ({@code --start-time}) that place libbpf-tools/BCC times
   * @param security TLS, mutual TLS, the bearer token and the allowed {@code Host} names of both
   *     receivers ({@link TransportSecurity})
   */
  public record Settings(
      String bind,
      int grpcPort,
      int httpPort,
      ReceiverLimits limits,
      boolean api,
      List<String> events,
      List<String> producers,
      String defaultHost,
      LibbpfToolsReader.Options libbpf,
      TransportSecurity security) {
    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the setting (e.g. {@code grpcPort}) and the value, or
     *     the security option that does not fit the bind address ({@link
     *     TransportSecurity#validate})
     */
    public Settings {
      Objects.requireNonNull(bind, "bind");
      checkPort(grpcPort, "grpcPort");
      checkPort(httpPort, "httpPort");
      Objects.requireNonNull(limits, "limits");
      events = List.copyOf(events);
      producers = List.copyOf(producers);
      Objects.requireNonNull(defaultHost, "defaultHost");
      Objects.requireNonNull(libbpf, "libbpf");
      Objects.requireNonNull(security, "security");
      security.validate(bind);
    }

    /** Settings with the default {@link ReceiverLimits} but {@code maxBodyBytes}. */
    public Settings(
        String bind,
        int grpcPort,
        int httpPort,
        int maxBodyBytes,
        boolean api,
        List<String> events,
        List<String> producers,
        String defaultHost,
        LibbpfToolsReader.Options libbpf,
        TransportSecurity security) {
      this(
          bind,
          grpcPort,
          httpPort,
          ReceiverLimits.DEFAULTS.withMaxRequestBodyBytes(maxBodyBytes),
          api,
          events,
          producers,
          defaultHost,
          libbpf,
          security);
    }

    /**
     * Settings without TLS or token ({@link TransportSecurity#NONE}), with libbpf-tools times on
     * today's date in UTC and no start anchor.
     */
    public Settings(
        String bind,
        int grpcPort,
        int httpPort,
        int maxBodyBytes,
        boolean api,
        List<String> events,
        List<String> producers,
        String defaultHost) {
      this(
          bind,
          grpcPort,
          httpPort,
          maxBodyBytes,
          api,
          events,
          producers,
          defaultHost,
          LibbpfToolsReader.Options.defaults(Clock.systemUTC()),
          TransportSecurity.NONE);
    }

    private static void checkPort(int port, String setting) {
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException(setting + " must be 0..65535, or -1 for off: " + port);
      }
    }
  }

  private static final long REPLAY_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final LiveAnalyzer engine;
  private final ScheduledExecutorService truncation =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "correlator-storage-truncation");
            t.setDaemon(true);
            return t;
          });
  private final RejectTally rejects = new RejectTally(System::nanoTime);
  private final RequestRefusals refusals = new RequestRefusals();
  private final OtlpGrpcReceiver grpc;
  private final LiveHttpServer http;
  private final List<EventFollower> followers = new ArrayList<>();
  private final List<EventProducer> producers = new ArrayList<>();
  private final List<AutoCloseable> afterEngine = new ArrayList<>();
  private final TlsFiles tls;
  private final ReadContext context;
  private final LiveIngest ingest;
  private WriteAheadStore storage;

  /**
   * Wires the server; nothing runs before {@link #start()}.
   *
   * @param engine the live correlator (not yet started)
   * @param clocks clock offsets shared by every event input
   * @param settings what to serve
   */
  public LiveServer(LiveAnalyzer engine, ClockConverter clocks, Settings settings) {
    this(engine, clocks, settings, null);
  }

  /**
   * Wires the server with meters, served at {@code GET /metrics} on the HTTP port; nothing runs
   * before {@link #start()}.
   *
   * @param engine the live correlator (not yet started)
   * @param clocks clock offsets shared by every event input
   * @param settings what to serve
   * @param metrics where the engine's and inputs' meters are bound, or null for none; the caller
   *     closes it
   */
  public LiveServer(
      LiveAnalyzer engine, ClockConverter clocks, Settings settings, ServeMetrics metrics) {
    this.engine = Objects.requireNonNull(engine, "engine");
    context =
        ReadContext.of(clocks, settings.defaultHost(), Clock.systemUTC())
            .withLibbpf(settings.libbpf());
    ingest = new LiveIngest(engine, engine, context, rejects);
    for (String value : settings.producers()) {
      EventInput.Target t = EventInput.parse(value, context);
      producers.add(new EventProducer(t.target(), t.input(), rejects, engine::putEvents));
    }
    for (String value : settings.events()) {
      EventInput.Target t = EventInput.parseFile(value, context);
      followers.add(new EventFollower(t.target(), t.input(), rejects, engine::putEvents));
    }
    TransportSecurity security = settings.security();
    BearerToken token =
        security.tokenFile() == null
            ? null
            : new BearerToken(security.tokenFile(), System::nanoTime);
    tls = security.tls() ? new TlsFiles(security, TlsFiles.RELOAD_SECONDS * 1000L) : null;
    if (!security.tls() && token == null && !TransportSecurity.isLoopback(settings.bind())) {
      LOG.warn(
          "listening on {} without TLS or --token-file: anyone who can reach the ports can send"
              + " data and read findings",
          settings.bind());
    }
    grpc =
        settings.grpcPort() < 0
            ? null
            : new OtlpGrpcReceiver(
                settings.bind(),
                settings.grpcPort(),
                settings.limits(),
                ingest,
                engine.memory(),
                tls,
                token,
                new AllowedHosts(settings.bind(), security),
                refusals);
    http =
        settings.httpPort() < 0
            ? null
            : new LiveHttpServer(
                settings.bind(),
                settings.httpPort(),
                settings.limits(),
                ingest,
                engine,
                rejects,
                producers,
                settings.api(),
                metrics,
                security,
                tls,
                token,
                refusals);
    if (metrics != null) {
      metrics.bindLive(engine, ingest.received(), rejects, refusals, followers, producers);
    }
  }

  /**
   * Starts the engine, binds the receivers, starts following and producing.
   *
   * @throws ReceiverBindException if a port cannot be bound (what started is stopped again)
   * @throws IOException if a producer cannot be started (what started is stopped again)
   */
  public void start() throws IOException {
    engine.start();
    if (storage != null) {
      try {
        new StoredReplay(storage, REPLAY_PATIENCE_NANOS)
            .into(new LiveIngest(engine, engine, context, new RejectTally(System::nanoTime)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while replaying --storage", e);
      }
      WriteAheadStore store = storage;
      truncation.scheduleWithFixedDelay(
          () -> {
            try {
              store.truncate(engine.settledSeq(), engine.windowHorizonNanos());
            } catch (RuntimeException e) { // keep truncating; SQLite errors are counted inside
              LOG.warn("--storage: truncation failed", e);
            }
          },
          1,
          1,
          TimeUnit.SECONDS);
    }
    startInputs();
  }

  /**
   * Keeps every accepted request in {@code store} before answering OK, shows the findings published
   * before a restart at {@code /api/findings}, resumes followed files at their saved checkpoints,
   * replays what the store holds at {@link #start()} (before the receivers open), deletes what the
   * engine has settled every second, and closes the store after the engine. Call before {@link
   * #start()}.
   */
  public void useStorage(WriteAheadStore store) {
    this.storage = Objects.requireNonNull(store, "store");
    ingest.writeAhead(store);
    followers.forEach(f -> f.resumeWith(store));
    if (http != null) {
      http.restoredFindings(store.findingsBeforeStart());
    }
    closeAfterEngine(
        () -> {
          truncation.shutdownNow();
          store.truncate(engine.settledSeq(), engine.windowHorizonNanos());
          store.close();
        });
  }

  /** Binds the receivers and starts the inputs, not the engine (package-private for tests). */
  void startInputs() throws IOException {
    try {
      if (grpc != null) {
        try {
          grpc.start();
        } catch (IOException e) {
          throw new ReceiverBindException("OTLP/gRPC", e);
        }
      }
      if (http != null) {
        try {
          http.start();
        } catch (IOException e) {
          throw new ReceiverBindException("OTLP/HTTP", e);
        }
      }
      followers.forEach(EventFollower::start);
      for (EventProducer p : producers) {
        p.start();
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Has {@link #close()} close {@code sink} after the engine, once the engine's last findings are
   * published: e.g. the OTLP exporter of findings, which then flushes them. Call before {@link
   * #start()}.
   */
  public void closeAfterEngine(AutoCloseable sink) {
    afterEngine.add(Objects.requireNonNull(sink, "sink"));
  }

  /** The bound OTLP/gRPC port, or -1 when off. */
  public int grpcPort() {
    return grpc == null ? -1 : grpc.port();
  }

  /** The bound OTLP/HTTP port, or -1 when off. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The requests refused for their {@code Host}/{@code :authority}, origin or token so far. */
  public RequestRefusals refusals() {
    return refusals;
  }

  /** The rejections of every input so far. */
  public RejectTally rejects() {
    return rejects;
  }

  /**
   * Stops receivers, producers and followers, then closes the engine, which evaluates every trace
   * it holds (their findings are published before this returns).
   */
  @Override
  public void close() {
    if (grpc != null) {
      grpc.close();
    }
    if (http != null) {
      http.close();
    }
    producers.forEach(EventProducer::close);
    followers.forEach(EventFollower::close);
    if (tls != null) {
      tls.close();
    }
    engine.close();
    for (AutoCloseable c : afterEngine) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("could not close a finding sink", e);
      }
    }
    LOG.debug("stopped; rejections by reason: {}", rejects.counts());
  }

  /** A receiver could not bind its port (in use, or the address is not local). */
  public static final class ReceiverBindException extends IOException {
    private static final long serialVersionUID = 1L;

    ReceiverBindException(String receiver, IOException cause) {
      super(receiver + ": " + rootMessage(cause), cause);
    }

    private static String rootMessage(Throwable t) {
      Throwable r = t;
      while (r.getCause() != null && r.getCause() != r) {
        r = r.getCause();
      }
      return r.getMessage() == null ? r.toString() : r.getMessage();
    }
  }
}
