package io.isostack.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.InputSpec;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.lab.HostTools;
import io.isostack.correlator.receiver.InputLoader;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.IsolationLayer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * L-3 and L-4 under real OCI runtimes: the sample backend as a crun container ({@code
 * samples/oci/run-backend.sh}: an OCI bundle, crun's own cgroup naming {@code /<64-hex id>}, the
 * container id in the spans' {@code container.id}, {@code process.pid} 1 inside its pid namespace),
 * watched by the shipped producers, faulted, and located by the engine through the cgroup path →
 * container join. Needs root, crun, bpftrace, tracefs, the cgroup v1 cpu controller and {@code
 * samples/target/sample-app.jar} (runsc for the gVisor test); skips with the reason elsewhere.
 */
@Tag("kernel")
class OciRuntimeKernelTest {
  private static final Path SAMPLES = Path.of("..", "samples");
  private static final Path JAR = SAMPLES.resolve("target/sample-app.jar");
  private static final int PORT = 19081;

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();
  private final String id = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
  private String host;

  @BeforeEach
  void requireTooling() throws Exception {
    assumeTrue(HostTools.isRoot(), "needs root (run by CI on the project's machine)");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/crun")), "needs crun (apt-get install crun)");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/bpftrace")), "needs bpftrace");
    assumeTrue(
        Files.isDirectory(Path.of("/sys/kernel/tracing/events/syscalls")),
        "needs tracefs at /sys/kernel/tracing");
    assumeTrue(
        Files.isWritable(Path.of("/sys/fs/cgroup/cpu")), "needs the cgroup v1 cpu controller");
    assumeTrue(
        Files.exists(JAR), "needs samples/target/sample-app.jar (mvn -o -q -DskipTests package)");
    host = InetAddress.getLocalHost().getHostName();
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i);
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void aCpuQuotaOnTheContainersCgroupIsContainerThrottling() throws Exception {
    Process backend = startBackend();
    long pid = awaitBackend(backend);
    Path sched =
        producer(
            "sched.jsonl",
            "bpftrace",
            "-q",
            "-f",
            "json",
            SAMPLES.resolve("ebpf/sched.bt").toString(),
            host,
            "1000",
            Long.toString(pid),
            "0");
    Path cgroup =
        producer(
            "cgroup.jsonl",
            "bash",
            SAMPLES.resolve("ebpf/cgroup-sampler.sh").toString(),
            "--cgroup",
            "/" + id,
            "--host",
            host);
    awaitText(sched, "producer.start");
    Files.writeString(Path.of("/sys/fs/cgroup/cpu", id, "cpu.cfs_quota_us"), "10000");
    drive(6);

    List<Finding> findings = analyze(backend, sched, cgroup);

    assertThat(findings)
        .as("slow /pay hops located in the container's cgroup")
        .filteredOn(f -> f.layer() == IsolationLayer.L3 && "cpu-throttle".equals(f.cause()))
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.detail()).contains(id.substring(0, 12)));
  }

  @Test
  void aDockerStyleSeccompProfileDenyingMkdirIsAContainerSeccompDenial() throws Exception {
    Process backend =
        startBackend("--seccomp", SAMPLES.resolve("oci/seccomp-deny-mkdir.json").toString());
    long pid = awaitBackend(backend);
    Path syscalls =
        producer(
            "syscalls.jsonl",
            "bpftrace",
            "-q",
            "-f",
            "json",
            SAMPLES.resolve("ebpf/syscalls.bt").toString(),
            host,
            "0",
            Long.toString(pid));
    Path cgroup =
        producer(
            "cgroup.jsonl",
            "bash",
            SAMPLES.resolve("ebpf/cgroup-sampler.sh").toString(),
            "--cgroup",
            "/" + id,
            "--host",
            host);
    awaitText(syscalls, "producer.start");
    drive(6);

    List<Finding> findings = analyze(backend, syscalls, cgroup);

    assertThat(findings)
        .as("slow /pay hops whose mkdir the container's seccomp profile denied")
        .filteredOn(f -> f.layer() == IsolationLayer.L3 && "seccomp-denied".equals(f.cause()))
        .isNotEmpty();
  }

  /**
   * L-4: the bundle under gVisor ({@code runsc --platform=ptrace}), the backend committing 400
   * records with {@code fdatasync} per request: a syscall-heavy handler on the sandbox's slow path.
   * The host's syscall tracepoints see none of its syscalls; the Sentry's debug log ({@code
   * --debug-log --strace}, read by the {@code runsc} format) does. (A denial by the OCI seccomp
   * profile, {@code --oci-seccomp}, is not in that log: the Sentry checks the filter before its
   * strace, so it is no L-4 signal here.)
   */
  @Test
  void aSyscallHeavyHandlerUnderGvisorIsTheSandboxLayer() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/runsc")), "needs runsc (apt-get install runsc)");
    Path logs = Files.createDirectories(dir.resolve("runsc-logs"));
    Process backend =
        startBackend(
            "--runtime",
            "runsc",
            "--runtime-flag",
            "--platform=ptrace",
            "--runtime-flag",
            "--network=host",
            "--runtime-flag",
            "--debug",
            "--runtime-flag",
            "--debug-log=" + logs + "/",
            "--runtime-flag",
            "--strace",
            "--runtime-flag",
            "--strace-syscalls=fdatasync,write,pwrite64,mkdir,openat",
            "--runtime-flag",
            "--root=" + dir.resolve("runsc-state"),
            "--backend-arg",
            "--sync-write-bytes",
            "--backend-arg",
            "4096",
            "--backend-arg",
            "--sync-writes",
            "--backend-arg",
            "400",
            "--backend-arg",
            "--write-dir",
            "--backend-arg",
            "/out/write");
    awaitBackend(backend);
    drive(6);
    stop(backend);
    Path boot;
    try (var files = Files.list(logs)) {
      boot =
          files
              .filter(f -> f.getFileName().toString().endsWith(".boot.txt"))
              .findFirst()
              .orElseThrow();
    }

    List<Finding> findings = analyze(Path.of("runsc:" + boot));

    assertThat(findings)
        .as("slow /pay hops whose fdatasync calls took gVisor's slow path")
        .filteredOn(
            f -> f.layer() == IsolationLayer.L4 && "sandbox-syscall-latency".equals(f.cause()))
        .isNotEmpty();
  }

  private Process startBackend(String... extra) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                SAMPLES.resolve("oci/run-backend.sh").toString(),
                "--id",
                id,
                "--port",
                Integer.toString(PORT),
                "--host",
                host,
                "--jar",
                JAR.toString(),
                "--dir",
                dir.toString()));
    command.addAll(List.of(extra));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("backend.log").toFile())
            .start();
    started.add(p);
    return p;
  }

  /** Waits for the container's host pid and for the backend to answer; returns the host pid. */
  private long awaitBackend(Process backend) throws Exception {
    Path log = dir.resolve("backend.log");
    long deadline = System.currentTimeMillis() + 90_000;
    long pid = 0;
    HttpClient http = HttpClient.newHttpClient();
    while (System.currentTimeMillis() < deadline && backend.isAlive()) {
      for (String line : Files.readAllLines(log)) {
        if (line.startsWith("id=" + id + " pid=")) {
          pid = Long.parseLong(line.split(" ")[1].substring(4));
        }
      }
      if (pid > 0) {
        try {
          http.send(request(), HttpResponse.BodyHandlers.discarding());
          return pid;
        } catch (IOException notYet) {
          // the JVM in the container is still starting
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the crun container did not serve: " + Files.readString(log));
  }

  private Path producer(String file, String... command) throws IOException {
    Path out = dir.resolve(file);
    List<String> niced = new ArrayList<>(List.of("nice", "-n", "19"));
    niced.addAll(List.of(command));
    started.add(
        new ProcessBuilder(niced)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectOutput(out.toFile())
            .start());
    return out;
  }

  private void drive(int requests) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < requests; i++) {
      http.send(request(), HttpResponse.BodyHandlers.discarding());
    }
    Thread.sleep(1_500);
  }

  private static HttpRequest request() {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/pay"))
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  /** Stops the producers and the container (its spans are flushed on SIGTERM), then analyses. */
  private List<Finding> analyze(Process backend, Path... events) throws Exception {
    stop(backend);
    return analyze(events);
  }

  private void stop(Process backend) throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i);
      if (p != backend && p.isAlive()) {
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("producer stopped").isTrue();
      }
    }
    backend.destroy();
    assertThat(backend.waitFor(30, TimeUnit.SECONDS)).as("container stopped").isTrue();
  }

  private List<Finding> analyze(Path... events) throws Exception {
    Analyzer analyzer =
        new Analyzer(RuleTable.defaults(), AnalyzerSettings.defaults().withDefaultHost(host));
    InputSummary summary = new InputSummary();
    InputLoader loader = new InputLoader(new ClockConverter(), summary, line -> {});
    loader.readTraces(
        InputSpec.parse(dir.resolve("out/backend-spans.jsonl").toString()), analyzer::addSpan);
    analyzer.finishSpans();
    for (Path e : events) {
      loader.readEvents(InputSpec.parse(e.toString()), host, analyzer::addEvent);
    }
    assertThat(summary.rejectedTotal()).isZero();
    return analyzer.findings();
  }

  private static void awaitText(Path file, String text) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        Thread.sleep(1_000);
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + text + "' in " + file + " within 30 s");
  }
}
