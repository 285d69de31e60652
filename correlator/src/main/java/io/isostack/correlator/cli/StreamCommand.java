package io.isostack.correlator.cli;

import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.metrics.ServeMetrics;
import io.isostack.correlator.report.TerminalSafeWriter;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.server.FindingPrinter;
import io.isostack.correlator.server.StreamServer;
import io.isostack.correlator.stream.CorrelatorStream;
import io.isostack.correlator.stream.StreamSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code correlator stream}: one instance of the correlator as a Kafka Streams application. */
@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the correlator as a Kafka Streams application: traces from the topic the",
      "OpenTelemetry Collector's kafka exporter writes (otlp_proto, partition_traces_by_id),",
      "kernel events from OTLP-logs or canonical-JSON topics; findings to a topic as OTLP",
      "logs. Each instance serves /healthz and /metrics on its HTTP port, with --api also",
      "/api/findings (the findings it published), over TLS and behind a bearer token",
      "as serve's ports when asked. Instances with the same --application-id",
      "share the partitions. Runs until SIGTERM or SIGINT, then commits, leaves the group",
      "and exits.",
      "",
      "Exit status: 0 stopped by a signal; 1 the application failed or the HTTP port could",
      "not be bound; 2 usage error (also: a TLS or token file that cannot be read, a",
      "token over plaintext on a non-loopback address)."
    })
final class StreamCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bootstrap-servers",
      required = true,
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "The Kafka brokers.")
  String bootstrapServers;

  @Option(
      names = "--application-id",
      defaultValue = StreamSettings.DEFAULT_APPLICATION_ID,
      paramLabel = "ID",
      description =
          "Consumer group of all instances and prefix of the internal topics (default:"
              + " ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--spans-topic",
      defaultValue = "otlp_spans",
      paramLabel = "TOPIC",
      description = "Traces, otlp_proto, keyed by trace id (default: ${DEFAULT-VALUE}).")
  String spansTopic;

  @Option(
      names = "--events-topic",
      paramLabel = "TOPIC",
      description =
          "Kernel events: OTLP logs (otlp_proto or otlp_json) or canonical JSON lines;"
              + " repeatable (default: otlp_logs).")
  List<String> eventTopics = new ArrayList<>();

  @Option(
      names = "--findings-topic",
      defaultValue = "isostack_findings",
      paramLabel = "TOPIC",
      description = "Findings, OTLP logs keyed by trace id (default: ${DEFAULT-VALUE}).")
  String findingsTopic;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Local state stores (default: <tmpdir>/isostack-stream).")
  Path stateDir;

  @Option(
      names = "--threads",
      defaultValue = "1",
      paramLabel = "N",
      description = "Stream threads of this instance (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--kafka-property",
      paramLabel = "KEY=VALUE",
      description =
          "A Kafka Streams or client property (security.protocol, replication.factor...);"
              + " repeatable.")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDRESS",
      description = "Address the HTTP port listens on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--http-port",
      defaultValue = "8318",
      paramLabel = "PORT",
      description =
          "HTTP port: /healthz, /metrics and, with --api, the API; 0 picks a free one, -1 turns"
              + " it off (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--api",
      description =
          "Serve GET /api/findings (the findings this instance published) and GET /api/stats on"
              + " the HTTP port.")
  boolean api;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "Findings on standard output: text or json lines (default: ${DEFAULT-VALUE}).")
  ServeCommand.Format format;

  @CommandLine.Mixin AnalysisOptions analysis = new AnalysisOptions();

  @CommandLine.Mixin LiveOptions liveOptions = new LiveOptions();

  @CommandLine.Mixin SecurityOptions security = new SecurityOptions();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    // Jetty's start/stop banners are noise next to the findings; -D... overrides this.
    if (System.getProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    }
    StreamServer server;
    try {
      RuleTable table = analysis.ruleTable();
      String defaultHost = analysis.host != null ? analysis.host : localHost();
      AnalyzerSettings tunables = analysis.analyzerOptions(defaultHost);
      LiveSettings live = liveOptions.settings(tunables);
      Path dir =
          stateDir != null
              ? stateDir
              : Path.of(System.getProperty("java.io.tmpdir"), "isostack-stream");
      StreamSettings settings =
          StreamSettings.defaults(bootstrapServers, live, dir)
              .withTopics(
                  spansTopic,
                  eventTopics.isEmpty() ? List.of("otlp_logs") : eventTopics,
                  findingsTopic)
              .with(applicationId, threads, properties);
      if (httpPort < -1 || httpPort > 65535) {
        throw new IllegalArgumentException(
            "--http-port must be 0..65535, or -1 for off: " + httpPort);
      }
      StreamServer.Settings http =
          new StreamServer.Settings(bind, httpPort, api, security.settings());
      Consumer<LiveFinding> printer =
          new FindingPrinter(
              format == ServeCommand.Format.json
                  ? spec.commandLine().getOut()
                  : new PrintWriter(new TerminalSafeWriter(spec.commandLine().getOut())),
              format == ServeCommand.Format.json);
      ServeMetrics metrics = new ServeMetrics(); // GET /metrics; the JVM's exit releases it
      CorrelatorStream stream =
          new CorrelatorStream(settings, table, metrics.findingSink().andThen(printer));
      server = new StreamServer(stream, http, metrics);
    } catch (IllegalArgumentException | IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), SettingFlags.describe(e.getMessage()), e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--kafka-property: " + e.getMessage(), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  spec.commandLine().getOut().flush();
                  err.println("correlator: stopped");
                  err.flush();
                  stopped.countDown();
                },
                "correlator-shutdown"));
    try {
      server.start();
    } catch (IOException e) {
      server.stream().close();
      err.println("correlator: cannot start: " + e.getMessage());
      err.flush();
      return 1;
    }
    if (server.httpPort() >= 0) {
      err.println("correlator: HTTP listening on " + bind + ":" + server.httpPort());
    }
    err.println(
        "correlator: stream "
            + applicationId
            + " on "
            + bootstrapServers
            + " (spans "
            + spansTopic
            + ", findings "
            + findingsTopic
            + ")");
    err.flush();
    while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
      if (server.stream().state() == org.apache.kafka.streams.KafkaStreams.State.ERROR) {
        err.println("correlator: the stream application failed; see the log");
        err.flush();
        return 1;
      }
    }
    return 0;
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
