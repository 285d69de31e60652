package io.isostack.correlator.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.correlator.demo.DemoLab;
import io.isostack.correlator.demo.HostTools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lab for inducing real faults on this machine: starts {@code correlator serve} with real eBPF
 * producers, the sample services (OpenTelemetry SDK or Java agent), creates cgroups, network
 * namespaces and iptables rules, drives load, reads the live findings, and undoes everything it
 * created in reverse order when closed, also after a failure.
 */
final class FaultLab implements AutoCloseable {
  static final Path CORRELATOR_JAR = Path.of("target", "correlator.jar");
  static final Path SAMPLE_JAR = Path.of("..", "samples", "target", "sample-app.jar");
  static final Path AGENT_JAR = Path.of("target", "otel", "opentelemetry-javaagent.jar");
  static final Path EBPF = Path.of("..", "samples", "ebpf").toAbsolutePath().normalize();
  static final String HOST = "fault-lab";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PORT = Pattern.compile("OTLP/(gRPC|HTTP) listening on [^ ]*:(\\d+)");

  private final Deque<Cleanup> cleanups = new ArrayDeque<>();
  private final Path logs;

  /** The workshop's lab, whose load driver the fault suite shares. */
  private final DemoLab driver;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @FunctionalInterface
  interface Cleanup {
    void run() throws Exception;
  }

  /** The running correlator. */
  record Serve(Process process, String address, int grpcPort, int httpPort, Path log) {
    String otlpEndpoint() {
      return "http://" + address + ":" + grpcPort;
    }
  }

  FaultLab(String name) throws IOException {
    this.logs = Files.createTempDirectory("fault-lab-" + name + "-");
    this.driver = new DemoLab();
    onClose(() -> DemoLab.deleteTree(driver.logs()));
  }

  /** Skips the test, with the reason, unless this machine can run real faults. */
  static void requireKernelLab() throws IOException {
    assumeTrue(isRoot(), "needs root (CI runs it on the project's machine)");
    assumeTrue(
        Files.isDirectory(Path.of("/sys/kernel/tracing/events/sched")),
        "needs tracefs at /sys/kernel/tracing (.ci/run mounts it)");
    assumeTrue(onPath("bpftrace"), "needs bpftrace (apt-get install bpftrace)");
    assumeTrue(Files.isRegularFile(SAMPLE_JAR), "needs the sample services: mvn package");
    assumeTrue(Files.isRegularFile(CORRELATOR_JAR), "needs the correlator jar: mvn package");
  }

  /** Registers an undo step; steps run in reverse order at {@link #close()}. */
  void onClose(Cleanup c) {
    cleanups.push(c);
  }

  /** Runs a command and requires exit status 0; returns its output. */
  static String sh(String... command) throws IOException, InterruptedException {
    return DemoLab.sh(command);
  }

  /** Runs a command, ignoring its result (for undo steps). */
  static void quietly(String... command) {
    DemoLab.quietly(command);
  }

  /** Starts a process whose output goes to a log file; it is stopped at close. */
  Process start(String name, List<String> command) throws IOException {
    Path log = logs.resolve(name + ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    onClose(() -> stop(p));
    return p;
  }

  static void stop(Process p) throws InterruptedException {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    if (!p.waitFor(15, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Starts {@code correlator serve} with the given producers and waits until it listens and kernel
   * events flow.
   */
  Serve serve(String bind, List<String> producers, String... options) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java(), "-jar", CORRELATOR_JAR.toString(), "serve"));
    cmd.addAll(
        List.of(
            "--bind",
            bind,
            "--otlp-grpc-port",
            "0",
            "--otlp-http-port",
            "0",
            "--api",
            "--host",
            HOST,
            "--format",
            "json"));
    for (String p : producers) {
      cmd.add("--producer");
      cmd.add(p);
    }
    cmd.addAll(List.of(options));
    Path log = logs.resolve("serve.log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    onClose(() -> stop(p));
    int grpc = -1;
    int httpPort = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while ((grpc < 0 || httpPort < 0) && System.nanoTime() < deadline && p.isAlive()) {
      Matcher m = PORT.matcher(Files.readString(log));
      while (m.find()) {
        if (m.group(1).equals("gRPC")) {
          grpc = Integer.parseInt(m.group(2));
        } else {
          httpPort = Integer.parseInt(m.group(2));
        }
      }
      Thread.sleep(100);
    }
    assertThat(grpc).as("serve's gRPC port, see %s", log).isPositive();
    assertThat(httpPort).as("serve's HTTP port, see %s", log).isPositive();
    Serve serve = new Serve(p, bind, grpc, httpPort, log);
    if (!producers.isEmpty()) {
      await(
          "kernel events from the producers",
          60,
          () -> stats(serve).path("eventsReceived").asLong() > 0);
    }
    return serve;
  }

  /**
   * Starts a sample service ({@code backend} or {@code frontend}) and waits for its port.
   *
   * @param prefix command prefix, e.g. {@code ip netns exec NS} or {@code python3 seccomp.py}
   * @param jvm extra JVM options (the Java agent)
   * @param args the service's options
   */
  Process service(
      String role,
      String address,
      int port,
      List<String> prefix,
      List<String> jvm,
      List<String> args)
      throws Exception {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(java());
    cmd.addAll(jvm);
    cmd.addAll(
        List.of(
            "-jar", SAMPLE_JAR.toString(), role, "--port", Integer.toString(port), "--host", HOST));
    cmd.addAll(args);
    Process p = start(role, cmd);
    await(role + " listening on " + address + ":" + port, 60, () -> listening(address, port));
    return p;
  }

  /** JVM options that attach the OpenTelemetry Java agent, exporting to the correlator. */
  static List<String> agent(String service, Serve serve) {
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

  /**
   * Sends GET requests at a fixed rate for a while, at most {@code maxInFlight} at once.
   *
   * @param sampled false for warm-up requests whose {@code traceparent} says "not sampled", so they
   *     leave no spans
   * @return how many requests got an answer
   */
  int drive(URI url, double rps, Duration duration, boolean sampled, int maxInFlight)
      throws Exception {
    return driver.drive(url, rps, duration, sampled, maxInFlight, n -> {});
  }

  /**
   * Checks the live verdicts for a fault: among the findings about the subject, every one that
   * names a kernel layer names the expected one (a hop slowed by something else may say {@code
   * application}), at least {@code min} do, and each was published within a second of its trace
   * completing.
   */
  static void assertVerdicts(
      List<JsonNode> subject, String layer, boolean network, String cause, int min, Path logs) {
    List<JsonNode> blamed =
        subject.stream().filter(f -> !f.get("layer").asText().equals("application")).toList();
    assertThat(blamed)
        .as("findings naming a kernel layer, logs in %s", logs)
        .allSatisfy(
            f -> {
              assertThat(f.get("layer").asText()).as(f.get("detail").asText()).isEqualTo(layer);
              assertThat(f.get("network").asBoolean()).isEqualTo(network);
              assertThat(f.get("cause").asText()).isEqualTo(cause);
            });
    assertThat(blamed)
        .as("findings naming %s %s, logs in %s", layer, cause, logs)
        .hasSizeGreaterThanOrEqualTo(min);
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
   * The findings whose span started after {@code epochNanos}: the spans of the fault, not of the
   * services' start-up (JIT compilation and the Java agent's instrumentation make the first
   * requests slow, and those are rightly blamed on run-queue latency).
   */
  static List<JsonNode> since(List<JsonNode> findings, long epochNanos) {
    return findings.stream()
        .filter(f -> f.get("startTimeUnixNano").asLong() >= epochNanos)
        .toList();
  }

  /** Now, in nanoseconds since the Unix epoch. */
  static long now() {
    return System.currentTimeMillis() * 1_000_000L;
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
  static void await(String what, int seconds, Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (check.holds()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
  }

  @FunctionalInterface
  interface Check {
    boolean holds() throws Exception;
  }

  static boolean listening(String address, int port) {
    return DemoLab.listening(address, port);
  }

  /** Where the processes' logs are, for failure messages. */
  Path logs() {
    return logs;
  }

  /** Runs every undo step, even when one fails; reports the first failure. */
  @Override
  public void close() throws IOException {
    Exception first = null;
    while (!cleanups.isEmpty()) {
      try {
        cleanups.pop().run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        first = first == null ? e : first;
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw new IOException("cleaning up the fault lab: " + first.getMessage(), first);
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static boolean isRoot() throws IOException {
    return HostTools.isRoot();
  }

  static boolean onPath(String tool) {
    return HostTools.onPath(tool);
  }
}
