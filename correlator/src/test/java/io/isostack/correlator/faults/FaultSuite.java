package io.isostack.correlator.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.lab.Fault;
import io.isostack.correlator.lab.FaultLab;
import io.isostack.correlator.lab.FaultSetup;
import io.isostack.correlator.lab.HostTools;
import io.isostack.correlator.lab.Induction;
import io.isostack.correlator.lab.Load;
import io.isostack.model.EvidenceFamily;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fault suite's harness around the shared {@link FaultLab}: one fault, prepared with its
 * set-up, {@code correlator serve} run as users run it (the shaded jar, the real producers), the
 * sample services instrumented by the OpenTelemetry SDK or Java agent, warm-up, baseline, the
 * adaptive {@link Induction} of the fault, and the live findings read back from the API once the
 * correlator has evaluated every trace. Everything is undone at close, also after a failure.
 */
final class FaultSuite implements AutoCloseable {
  static final Path CORRELATOR_JAR = Path.of("target", "correlator.jar");
  static final Path SAMPLES = Path.of("..", "samples");
  static final Path AGENT_JAR = Path.of("target", "otel", "opentelemetry-javaagent.jar");
  static final String HOST = "fault-lab";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PORT = Pattern.compile("OTLP/(gRPC|HTTP) listening on [^ ]*:(\\d+)");

  /** How the sample services make their spans. */
  enum Instrumentation {
    SDK,
    AGENT
  }

  /** The running correlator. */
  record Serve(Process process, String address, int grpcPort, int httpPort, Path log) {
    String otlpEndpoint() {
      return "http://" + address + ":" + grpcPort;
    }
  }

  private final Fault fault;
  private final FaultLab lab;
  private final FaultSetup setup;
  private final Load load = new Load();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private long sampledAnswered;

  /**
   * A lab for one fault; {@link #prepare()} creates what the fault needs.
   *
   * @param name names the log directory, under {@code target/fault-lab}
   * @param backendPort the backend's port, the frontend's is the one below
   */
  FaultSuite(Fault fault, String name, int backendPort) throws IOException {
    this(fault, name, backendPort, "fault", 201);
  }

  /**
   * A lab for one fault whose cgroups and namespaces carry their own tag and network, apart from
   * the suite's ({@code fault}, 10.201.x.x).
   *
   * @param tag names what the fault creates (1 to 8 characters)
   * @param net the second octet of the network a network fault creates
   */
  FaultSuite(Fault fault, String name, int backendPort, String tag, int net) throws IOException {
    this.fault = fault;
    this.lab = new FaultLab(SAMPLES, Path.of("target", "fault-lab"), name);
    this.setup = FaultSetup.create(lab, HOST, tag, net, backendPort);
  }

  /** Skips the test, with the reason, unless this machine can run the fault for real. */
  static void requireKernelLab(Fault fault) throws IOException {
    String missing = HostTools.missingFor(fault, SAMPLES);
    assumeTrue(missing == null, missing + " (CI runs it on the project's machine)");
    assumeTrue(Files.isRegularFile(CORRELATOR_JAR), "needs the correlator jar: mvn package");
  }

  /** Creates what the fault needs (cgroup, namespace, launcher) and picks its producers. */
  void prepare() throws Exception {
    fault.prepare(lab, setup);
  }

  /**
   * Starts {@code correlator serve} (at {@link FaultLab#PRIORITY}, its producers too) with the
   * fault's producers and followed files and waits until it listens and kernel events flow (each at
   * most 120 s: bpftrace compiles its programs slowly on a busy machine).
   */
  Serve serve() throws Exception {
    List<String> cmd = new ArrayList<>(FaultLab.PRIORITY);
    cmd.addAll(List.of(java(), "-jar", CORRELATOR_JAR.toString(), "serve"));
    cmd.addAll(
        List.of(
            "--bind",
            setup.bind(),
            "--otlp-grpc-port",
            "0",
            "--otlp-http-port",
            "0",
            "--api",
            "--host",
            HOST,
            "--format",
            "json"));
    for (String p : setup.producers()) {
      cmd.add("--producer");
      cmd.add(p);
    }
    for (String e : setup.events()) {
      cmd.add("--events");
      cmd.add(e);
    }
    Process p = lab.start("serve", cmd);
    Path log = lab.logs().resolve("serve.log");
    int[] ports = {-1, -1};
    FaultLab.await(
        Duration.ofSeconds(120),
        () -> {
          Matcher m = PORT.matcher(Files.readString(log));
          while (m.find()) {
            ports[m.group(1).equals("gRPC") ? 0 : 1] = Integer.parseInt(m.group(2));
          }
          return !p.isAlive() || (ports[0] > 0 && ports[1] > 0);
        });
    assertThat(ports[0]).as("serve's gRPC port, see %s", log).isPositive();
    assertThat(ports[1]).as("serve's HTTP port, see %s", log).isPositive();
    Serve serve = new Serve(p, setup.bind(), ports[0], ports[1], log);
    await(
        "kernel events from the producers, see " + log,
        120,
        () -> stats(serve).path("eventsReceived").asLong() > 0);
    return serve;
  }

  /** Starts the backend as the fault's set-up says, exporting to the correlator. */
  Process backend(Serve serve, Instrumentation i) throws Exception {
    return lab.backend(setup, jvm(i, "backend", serve), telemetry(i, serve));
  }

  /** Starts the frontend, calling the backend, exporting to the correlator. */
  Process frontend(Serve serve, Instrumentation i) throws Exception {
    return lab.frontend(setup, jvm(i, "frontend", serve), telemetry(i, serve));
  }

  /** Unsampled requests (no spans) for the JIT and the Java agent: 10/s for 4 s. */
  void warmUp() throws InterruptedException {
    load.drive(setup.checkout(), 10, Duration.ofSeconds(4), false, 4, n -> {});
  }

  /** Sampled requests at 3/s, their traces counted for {@link #awaitEvaluated}. */
  Load.Result drive(Duration duration) throws InterruptedException {
    Load.Result r = load.drive(setup.checkout(), 3, duration, true, 3, n -> {});
    sampledAnswered += r.answered();
    return r;
  }

  /**
   * Induces the fault, strengthening it until {@code needed} requests are slowed at the client by
   * at least the correlator's default slow threshold, 4 s of 3 requests per second per level; the
   * outcome is printed to the test output.
   *
   * @param baseline the requests before the fault; empty for a fault present from the start
   */
  Induction.Outcome induce(Process backend, Load.Result baseline, int needed) throws Exception {
    Duration window = Duration.ofSeconds(4);
    Induction.Probe probe =
        new Induction.Probe(
            setup.checkout(),
            3,
            window,
            3,
            AnalyzerSettings.DEFAULT_SLOW_THRESHOLD_NANOS,
            needed,
            window);
    Induction.Outcome o =
        new Induction(lab, load, Clock.systemUTC())
            .run(fault, setup, backend, probe, baseline, System.out::println, n -> {});
    System.out.println(o.describe());
    sampledAnswered += o.answered();
    return o;
  }

  /**
   * Waits (at most 120 s) until the correlator has evaluated as many traces as sampled requests
   * were answered: every finding it will publish for them is then published.
   */
  void awaitEvaluated(Serve serve) throws Exception {
    await(
        sampledAnswered + " traces to be evaluated, see " + lab.logs(),
        120,
        () -> stats(serve).path("tracesEvaluated").asLong() >= sampledAnswered);
  }

  /**
   * The findings about the subject for spans that started after the fault was induced, once every
   * trace was evaluated; waits up to 10 s more for {@code min} of them (a trace the Java agent made
   * besides the requests' can count as evaluated first), then returns what came.
   */
  List<JsonNode> subjectFindings(
      Serve serve, Induction.Outcome fault, Predicate<JsonNode> subject, int min) throws Exception {
    awaitEvaluated(serve);
    FaultLab.await(
        Duration.ofSeconds(10),
        () ->
            since(findings(serve), fault.startEpochNanos()).stream().filter(subject).count()
                >= min);
    return since(findings(serve), fault.startEpochNanos()).stream().filter(subject).toList();
  }

  /**
   * Checks the live verdicts for a fault: among the findings about the subject, every one that
   * names a kernel layer names the expected one (a hop slowed by something else may say {@code
   * application}), at least {@code min} do, and each was published within a second of its trace
   * completing.
   */
  void assertVerdicts(
      List<JsonNode> subject, String layer, boolean network, String cause, int min) {
    assertVerdicts(subject, layer, network, cause, min, List.of());
  }

  /**
   * Checks the live verdicts of a fault: every finding that names a layer (not {@code application},
   * not {@code unknown}) names {@code layer} and {@code cause}, or one of {@code weaker}, causes of
   * the same layer that are the same fault seen with less evidence; at least {@code min} name
   * {@code cause} itself; each was published within 1 s of its trace completing.
   *
   * <p>The suite runs on a busy shared machine, on purpose: a hop may then lose more of its time
   * waiting for a CPU than to the fault, and its verdict is rightly the host's CPU saturation (its
   * cgroup has no CPU limit). Such a finding passes only when its evidence chain also names the
   * fault ({@code layer}, {@code cause} or a weaker one): the fault was located on that hop too.
   */
  void assertVerdicts(
      List<JsonNode> subject,
      String layer,
      boolean network,
      String cause,
      int min,
      List<String> weaker) {
    List<JsonNode> blamed =
        subject.stream()
            .filter(f -> !List.of("application", "unknown").contains(f.get("layer").asText()))
            .toList();
    List<String> accepted = new ArrayList<>(weaker);
    accepted.add(cause);
    assertThat(blamed)
        .as("findings naming a kernel layer, logs in %s: %s", lab.logs(), verdicts(blamed))
        .allSatisfy(
            f -> {
              if (isHostCpuSaturation(f) && chainNames(f, layer, network, accepted)) {
                return; // the CPU took more of this hop than the fault, which its chain names
              }
              assertThat(f.get("layer").asText()).as(f.get("detail").asText()).isEqualTo(layer);
              assertThat(f.get("network").asBoolean()).isEqualTo(network);
              assertThat(f.get("cause").asText()).isIn(accepted);
            });
    assertThat(blamed)
        .filteredOn(f -> f.get("cause").asText().equals(cause))
        .as("findings naming %s %s, logs in %s", layer, cause, lab.logs())
        .hasSizeGreaterThanOrEqualTo(min);
    String family = FAMILY.get(cause);
    assertThat(blamed)
        .filteredOn(f -> f.get("cause").asText().equals(cause))
        .as("the coverage of findings naming %s: its evidence family %s observed", cause, family)
        .allSatisfy(
            f -> {
              assertThat(f.path("coverage").size()).isEqualTo(EvidenceFamily.values().length);
              assertThat(f.path("coverage").path(family).asText()).isEqualTo("observed");
            });
    assertThat(subject)
        .allSatisfy(
            f ->
                assertThat(
                        f.get("publishedUnixNano").asLong()
                            - f.get("traceCompletedUnixNano").asLong())
                    .as("delay from trace completion to publication")
                    .isBetween(0L, 1_000_000_000L));
  }

  /**
   * The evidence family (docs/REPORT.md {@code coverage}) whose producer the fault's verdict needs:
   * a finding naming the cause must say that family was observed over its window.
   */
  private static final Map<String, String> FAMILY =
      Map.of(
          "cpu-throttle", "cgroup-cpu",
          "tcp-retransmit", "network",
          "disk-latency", "block",
          "seccomp-denied", "syscalls",
          "sandbox-syscall-latency", "syscalls");

  private static boolean isHostCpuSaturation(JsonNode f) {
    return f.get("layer").asText().equals("host")
        && !f.get("network").asBoolean()
        && f.get("cause").asText().equals("cpu-saturation");
  }

  /**
   * One line a finding (span, verdict, detail), printed before AssertJ's dump of the whole findings
   * so that a failure names its culprit even when the log is cut short.
   */
  private static String verdicts(List<JsonNode> findings) {
    StringBuilder b = new StringBuilder();
    for (JsonNode f : findings) {
      b.append("\n  ")
          .append(f.path("service").asText())
          .append(' ')
          .append(f.path("name").asText())
          .append(": ")
          .append(f.path("layer").asText())
          .append(f.path("network").asBoolean() ? " network " : " ")
          .append(f.path("cause").asText())
          .append(" (")
          .append(f.path("detail").asText())
          .append(')');
    }
    return b.toString();
  }

  private static boolean chainNames(
      JsonNode f, String layer, boolean network, List<String> causes) {
    for (JsonNode link : f.path("chain")) {
      if (link.get("layer").asText().equals(layer)
          && link.get("network").asBoolean() == network
          && causes.contains(link.get("cause").asText())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The findings whose span started at or after {@code epochNanos}: the spans of the fault, not of
   * the services' start-up (JIT compilation and the Java agent's instrumentation make the first
   * requests slow, and those are rightly blamed on run-queue latency).
   */
  static List<JsonNode> since(List<JsonNode> findings, long epochNanos) {
    return findings.stream()
        .filter(f -> f.get("startTimeUnixNano").asLong() >= epochNanos)
        .toList();
  }

  /** The live findings, newest first, from {@code GET /api/findings}. */
  List<JsonNode> findings(Serve serve) throws Exception {
    JsonNode all = getJson(serve, "/api/findings?limit=1000");
    List<JsonNode> out = new ArrayList<>();
    all.forEach(out::add);
    return out;
  }

  /** {@code GET /api/stats}. */
  JsonNode stats(Serve serve) throws Exception {
    return getJson(serve, "/api/stats");
  }

  private JsonNode getJson(Serve serve, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://" + serve.address() + ":" + serve.httpPort() + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s", path).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** Waits until a condition holds, failing with its description after the timeout. */
  static void await(String what, int seconds, FaultLab.Condition check) throws Exception {
    if (!FaultLab.await(Duration.ofSeconds(seconds), check)) {
      throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
    }
  }

  /** Where the processes' logs are, for failure messages. */
  Path logs() {
    return lab.logs();
  }

  @Override
  public void close() throws IOException {
    lab.close();
  }

  private static List<String> jvm(Instrumentation i, String service, Serve serve) {
    if (i == Instrumentation.SDK) {
      return List.of();
    }
    return List.of(
        "-javaagent:" + AGENT_JAR.toAbsolutePath(),
        "-Dotel.service.name=" + service,
        "-Dotel.resource.attributes=host.name=" + HOST,
        "-Dotel.exporter.otlp.endpoint=" + serve.otlpEndpoint(),
        "-Dotel.exporter.otlp.protocol=grpc",
        "-Dotel.metrics.exporter=none",
        "-Dotel.logs.exporter=none",
        "-Dotel.bsp.schedule.delay=100");
  }

  private static List<String> telemetry(Instrumentation i, Serve serve) {
    return i == Instrumentation.SDK
        ? List.of("--otlp-endpoint", serve.otlpEndpoint())
        : List.of("--telemetry", "agent");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
