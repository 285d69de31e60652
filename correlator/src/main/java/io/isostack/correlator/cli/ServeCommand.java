package io.isostack.correlator.cli;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.LibbpfToolsReader;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveLimits;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.export.OtlpExportSettings;
import io.isostack.correlator.export.OtlpFindingExporter;
import io.isostack.correlator.metrics.ServeMetrics;
import io.isostack.correlator.receiver.MemoryLimiter;
import io.isostack.correlator.receiver.ReceiverLimits;
import io.isostack.correlator.report.TerminalSafeWriter;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.server.FindingJson;
import io.isostack.correlator.server.FindingPrinter;
import io.isostack.correlator.server.LiveServer;
import io.isostack.correlator.storage.FindingsOnce;
import io.isostack.correlator.storage.StorageCounts;
import io.isostack.correlator.storage.WriteAheadStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code correlator serve}: live correlation of OTLP traces and kernel events. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Receives OTLP traces (gRPC and HTTP) and kernel events (OTLP logs, HTTP, followed files,",
      "producer commands), and prints a verdict for each slow hop within about a second of its",
      "trace completing. Runs until SIGTERM or SIGINT, then evaluates what it holds and exits.",
      "",
      "Exit status: 0 stopped by a signal; 1 a port could not be bound or a producer not started;",
      "2 usage error (also: a TLS or token file that cannot be read, a token over plaintext on a",
      "non-loopback address); 3 the correlation engine stopped on a fatal error (restart it)."
    })
final class ServeCommand implements Callable<Integer> {
  enum Format {
    text,
    json
  }

  /** The exit status when the correlation engine stopped on its own. */
  static final int ENGINE_STOPPED = 3;

  private static final long WATCH_MILLIS = 200;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * What the shutdown hook exits with: 0 after a signal, {@link #ENGINE_STOPPED} after a failure.
   */
  private static volatile int exitStatus;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDRESS",
      description = "Address the receivers listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--otlp-grpc-port",
      defaultValue = "4317",
      paramLabel = "PORT",
      description =
          "OTLP/gRPC port; 0 picks a free one, -1 turns it off (default: ${DEFAULT-VALUE}).")
  int grpcPort;

  @Option(
      names = "--otlp-http-port",
      defaultValue = "4318",
      paramLabel = "PORT",
      description =
          "OTLP/HTTP port, also /v1/kernel-events, /healthz, /metrics and the API; 0 picks a"
              + " free one, -1 turns it off (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = {"--max-request-body-size", "--max-body"},
      defaultValue = "64MiB",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description =
          "Largest request accepted on both receivers, also after decompression, e.g. 16MiB:"
              + " 413 (HTTP), RESOURCE_EXHAUSTED (gRPC) above it (default: ${DEFAULT-VALUE}).")
  int maxBodyBytes;

  @Option(
      names = "--max-concurrent-requests",
      defaultValue = "16",
      paramLabel = "N",
      description =
          "Request bodies read at once on the HTTP port (429 + Retry-After beyond) and calls"
              + " served at once on the gRPC port (UNAVAILABLE + RetryInfo beyond); 1.."
              + ReceiverLimits.MAX_CONCURRENT_REQUESTS
              + " (default: ${DEFAULT-VALUE}).")
  int maxConcurrentRequests;

  @Option(
      names = "--read-timeout",
      defaultValue = "20s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "The longest a request may take to arrive after it starts: an HTTP body (408"
              + " after), a gRPC message and half-close (DEADLINE_EXCEEDED after), e.g. 5s; up to"
              + " 1h (default: ${DEFAULT-VALUE}).")
  long readTimeoutNanos;

  @Option(
      names = "--idle-timeout",
      defaultValue = "10s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "An HTTP connection that sends nothing for this long is closed; up to 1h (default:"
              + " ${DEFAULT-VALUE}).")
  long idleTimeoutNanos;

  @Option(
      names = "--api",
      description = "Serve GET /api/findings and GET /api/stats on the HTTP port.")
  boolean api;

  @Option(
      names = "--events",
      arity = "1..*",
      paramLabel = "[FORMAT:]FILE",
      description =
          "Kernel-event files or FIFOs to follow from their start as they grow (tail -F);"
              + " - reads standard input. FORMAT is an event format of analyze (events, tetragon,"
              + " ig, libbpf:TOOL...; default: detected from an existing file, else events), read line"
              + " by line. A directory (DIR/) or a glob (DIR/*.log) is followed by its newest file,"
              + " switching to each newer one as it appears: runsc:DIR/ follows the newest"
              + " runsc.log.*.boot.txt of runsc --debug-log=DIR/ across sandbox restarts.")
  List<String> events = new ArrayList<>();

  @Option(
      names = "--producer",
      paramLabel = "[FORMAT:]COMMAND",
      description =
          "A command run with /bin/sh -c whose standard output is kernel events in FORMAT"
              + " (default events), e.g. \"bpftrace -q -f json samples/ebpf/sched.bt $(hostname)\""
              + " or \"tetragon:tetra getevents -o json\"; repeatable.")
  List<String> producers = new ArrayList<>();

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "Findings on standard output: text or json lines (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--memory-limit",
      paramLabel = "SIZE",
      converter = MemorySizeConverter.class,
      description =
          "Hard limit of the memory limiter, e.g. 256MiB: the estimated bytes of request bodies in"
              + " flight, the queue, open traces, the event window and the directories never"
              + " exceed it, and above 80%% of it (the soft limit) receivers refuse with 503 /"
              + " UNAVAILABLE so that clients retry (default: half the maximum heap).")
  Long memoryLimitBytes;

  @Option(
      names = "--max-spans-per-trace",
      paramLabel = "N",
      defaultValue = "10000",
      description =
          "A trace reaching this many spans is evaluated at once; its later spans are counted"
              + " (trace-span-cap) and dropped (default: ${DEFAULT-VALUE}).")
  int maxSpansPerTrace;

  @Option(
      names = "--storage",
      paramLabel = "DIR",
      description =
          "Keep accepted spans and events, published finding keys and --events offsets in an"
              + " on-disk write-ahead buffer in DIR (SQLite): every request is stored before it is"
              + " answered OK, and after a crash (kill -9) a restart on the same DIR replays what"
              + " was not yet evaluated, does not publish a finding twice and resumes --events"
              + " files where they were left.")
  Path storage;

  @Option(
      names = "--storage-limit",
      paramLabel = "SIZE",
      defaultValue = "1GiB",
      converter = MemorySizeConverter.class,
      description =
          "Most request bytes --storage holds; above it receivers refuse with 503 / UNAVAILABLE"
              + " (default: ${DEFAULT-VALUE}).")
  long storageLimitBytes;

  @CommandLine.Mixin AnalysisOptions analysis = new AnalysisOptions();

  @CommandLine.Mixin LiveOptions liveOptions = new LiveOptions();

  @CommandLine.Mixin SecurityOptions security = new SecurityOptions();

  @CommandLine.Mixin OtlpExportOptions otlp = new OtlpExportOptions();

  @Override
  public Integer call() throws InterruptedException {
    // Jetty's start/stop banners are noise next to the findings; -D... overrides this.
    if (System.getProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    }
    PrintWriter err = spec.commandLine().getErr();
    ClockConverter clocks = new ClockConverter();
    LiveServer server;
    LiveAnalyzer engine;
    OtlpFindingExporter exporter = null;
    OtlpExportSettings export = null;
    WriteAheadStore store = null;
    try {
      analysis.applyClockOffsets(clocks);
      RuleTable table = analysis.ruleTable();
      String defaultHost = analysis.host != null ? analysis.host : localHost();
      AnalyzerSettings tunables = this.analysis.analyzerOptions(defaultHost);
      LiveSettings options = liveOptions.settings(tunables);
      LiveServer.Settings settings =
          new LiveServer.Settings(
              bind,
              grpcPort,
              httpPort,
              receiverLimits(),
              api,
              events,
              producers,
              defaultHost,
              analysis.libbpfOptions(LibbpfToolsReader.Options.defaults(Clock.systemUTC())),
              security.settings());
      export = otlp.settings();
      FindingPrinter printer =
          new FindingPrinter(
              format == Format.json
                  ? spec.commandLine().getOut()
                  : new PrintWriter(new TerminalSafeWriter(spec.commandLine().getOut())),
              format == Format.json);
      ServeMetrics metrics = new ServeMetrics(); // GET /metrics; the JVM's exit releases it
      exporter = export == null ? null : OtlpFindingExporter.start(export);
      // The exporter only queues and never throws, so the printer always runs after it.
      Consumer<LiveFinding> sink =
          metrics.findingSink().andThen(exporter == null ? printer : exporter.andThen(printer));
      if (storage != null) {
        store = WriteAheadStore.open(storage, storageLimitBytes);
        StorageCounts.bindTo(store, metrics.registry());
        sink = new FindingsOnce(store, FindingJson::of, sink);
      }
      LiveLimits limits = limits();
      engine = new LiveAnalyzer(table, options, limits, ServeCommand::epochNanos, sink);
      server = new LiveServer(engine, clocks, settings, metrics);
      if (store != null) {
        server.useStorage(store); // closed after the engine
      }
      if (exporter != null) {
        OtlpFindingExporter otlpSink = exporter;
        server.closeAfterEngine(() -> otlpSink.close(otlp.timeout())); // bounded by --otlp-timeout
        exporter.outcome().bindTo(metrics.registry()); // correlator_export_failures_total...
      }
    } catch (IllegalArgumentException | IOException e) {
      if (exporter != null) {
        exporter.close();
      }
      if (store != null) {
        store.close();
      }
      throw new CommandLine.ParameterException(
          spec.commandLine(), SettingFlags.describe(e.getMessage()), e);
    }
    OtlpFindingExporter finalExporter = exporter;
    OtlpExportSettings finalExport = export;
    try {
      server.start();
    } catch (IOException e) {
      err.println("correlator: cannot start: " + e.getMessage());
      err.flush();
      return 1;
    }
    if (server.grpcPort() >= 0) {
      err.println("correlator: OTLP/gRPC listening on " + bind + ":" + server.grpcPort());
    }
    if (server.httpPort() >= 0) {
      err.println("correlator: OTLP/HTTP listening on " + bind + ":" + server.httpPort());
    }
    err.flush();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  if (finalExporter != null) {
                    String failure =
                        ExportSummary.describe(
                            finalExporter.outcome(), finalExport, otlp.timeout());
                    if (failure != null) {
                      err.println("correlator: " + failure);
                    }
                  }
                  spec.commandLine().getOut().flush();
                  err.println("correlator: stopped");
                  err.flush();
                  System.out.flush();
                  // A signal's exit status would be 128+n; a clean stop is 0.
                  Runtime.getRuntime().halt(exitStatus);
                },
                "correlator-shutdown"));
    // The receivers keep the JVM up; if the engine thread ever stops on its own, exit non-zero so
    // that a supervisor restarts the server instead of it refusing everything forever.
    while (engine.failure() == null) {
      Thread.sleep(WATCH_MILLIS);
    }
    err.println("correlator: the correlation engine stopped: " + engine.failure() + "; exiting");
    err.flush();
    exitStatus = ENGINE_STOPPED;
    System.exit(ENGINE_STOPPED);
    return ENGINE_STOPPED;
  }

  /**
   * The receivers' limits of the flags.
   *
   * @throws IllegalArgumentException naming the flag whose value is out of range
   */
  ReceiverLimits receiverLimits() {
    return new ReceiverLimits(
        maxBodyBytes,
        maxConcurrentRequests,
        Duration.ofNanos(readTimeoutNanos),
        Duration.ofNanos(idleTimeoutNanos));
  }

  private LiveLimits limits() {
    MemoryLimiter memory =
        memoryLimitBytes == null
            ? MemoryLimiter.forHeap(Runtime.getRuntime().maxMemory())
            : MemoryLimiter.withHardLimit(memoryLimitBytes, Runtime.getRuntime().maxMemory());
    LiveLimits d = LiveLimits.defaults(memory);
    return new LiveLimits(memory, maxSpansPerTrace, d.maxProcesses());
  }

  /** Parses a memory size ({@link SizeConverter}'s syntax) of up to 1 TiB. */
  static final class MemorySizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return SizeConverter.bytes(value, 1L << 40, "1 TiB");
    }
  }

  private static long epochNanos() {
    Instant now = Clock.systemUTC().instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Parses sizes such as {@code 64MiB}, {@code 512KiB}, {@code 1MB} or a number of bytes. */
  static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return (int) bytes(value, Integer.MAX_VALUE - 8, "2 GiB");
    }

    static long bytes(String value, long max, String maxText) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      String[][] units = {
        {"kib", "1024"},
        {"mib", "1048576"},
        {"gib", "1073741824"},
        {"kb", "1000"},
        {"mb", "1000000"},
        {"gb", "1000000000"},
        {"k", "1024"},
        {"m", "1048576"},
        {"g", "1073741824"},
        {"b", "1"}
      };
      long factor = 1;
      for (String[] u : units) {
        if (v.endsWith(u[0])) {
          factor = Long.parseLong(u[1]);
          v = v.substring(0, v.length() - u[0].length()).trim();
          break;
        }
      }
      try {
        long bytes = Math.round(Double.parseDouble(v) * factor);
        if (bytes <= 0 || bytes > max) {
          throw new CommandLine.TypeConversionException(
              "'" + value + "' is out of range (1 byte .. " + maxText + ")");
        }
        return bytes;
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a size (e.g. 64MiB, 512KiB, 1000000)");
      }
    }
  }
}
