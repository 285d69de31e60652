package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.isostack.clock.ClockConverter;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.lab.FaultLab;
import io.isostack.correlator.lab.HostTools;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.IsolationLayer;
import java.io.IOException;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * L-4 live: the sample backend in a gVisor sandbox ({@code samples/oci/run-backend.sh --runtime
 * runsc}, ptrace platform, the Sentry's strace log in {@code --debug-log=DIR/}), exporting OTLP to
 * the server, which follows {@code runsc:DIR/}: the newest boot log, as it appears, and the next
 * one when the sandbox is restarted. A syscall-heavy handler (1000 {@code fdatasync} per request)
 * must be located live as the sandbox's syscall slow path, in both sandboxes, each joined through
 * its own container id. Needs root, runsc, unshare and {@code samples/target/sample-app.jar}; skips
 * with the reason elsewhere.
 */
@Tag("kernel")
class GvisorLiveKernelTest {
  private static final Path SAMPLES = Path.of("..", "samples");
  private static final Path JAR = SAMPLES.resolve("target/sample-app.jar");
  private static final int PORT = 19181;
  private static final String HOST = "gvisor-live";

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();
  private final List<LiveFinding> live = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private LiveServer server;

  @BeforeEach
  void requireTooling() throws Exception {
    assumeTrue(HostTools.isRoot(), "needs root (run by CI on the project's machine)");
    assumeTrue(HostTools.onPath("runsc"), "needs runsc (gVisor: apt-get install runsc)");
    assumeTrue(HostTools.onPath("unshare"), "needs unshare (util-linux)");
    assumeTrue(
        Files.exists(JAR), "needs samples/target/sample-app.jar (mvn -o -q -DskipTests package)");
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    for (int i = started.size() - 1; i >= 0; i--) {
      stop(started.get(i));
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aSyscallHeavyHandlerUnderGvisorIsLocatedLiveAcrossASandboxRestart() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("runsc-logs"));
    LiveAnalyzer engine =
        new LiveAnalyzer(
            RuleTable.defaults(),
            LiveSettings.defaults(AnalyzerSettings.defaults().withDefaultHost(HOST)),
            () -> System.currentTimeMillis() * 1_000_000L,
            live::add);
    server =
        new LiveServer(
            engine,
            new ClockConverter(),
            new LiveServer.Settings(
                "127.0.0.1",
                0,
                -1,
                64 << 20,
                false,
                List.of("runsc:" + logs + "/"),
                List.of(),
                HOST));
    server.start();

    String first = newId();
    Process sandbox = startSandbox(first, logs);
    drive(8);
    awaitSandboxFindings(first);
    stop(sandbox);

    String second = newId();
    startSandbox(second, logs);
    drive(8);
    awaitSandboxFindings(second);

    try (var files = Files.list(logs)) {
      assertThat(files.filter(f -> f.getFileName().toString().endsWith(".boot.txt")))
          .as("one boot log per sandbox start")
          .hasSize(2);
    }
    assertThat(server.rejects().counts()).as("rejected lines").isEmpty();
  }

  private void awaitSandboxFindings(String containerId) throws Exception {
    boolean seen =
        FaultLab.await(
            Duration.ofSeconds(60),
            () ->
                live.stream()
                    .anyMatch(
                        f ->
                            containerId.equals(f.finding().span().containerId())
                                && f.finding().layer() == IsolationLayer.L4
                                && "sandbox-syscall-latency".equals(f.finding().cause())));
    assertThat(seen)
        .as(
            "a live L-4 sandbox-syscall-latency finding for sandbox %s; findings: %s; logs in %s",
            containerId.substring(0, 12),
            live.stream().map(f -> f.finding().layer() + " " + f.finding().cause()).toList(),
            dir)
        .isTrue();
    List<LiveFinding> ours =
        live.stream().filter(f -> containerId.equals(f.finding().span().containerId())).toList();
    System.out.printf(
        "sandbox %s: %d live findings, %d of them L-4 sandbox-syscall-latency; longest delay from"
            + " trace completion to publication %d ms%n",
        containerId.substring(0, 12),
        ours.size(),
        ours.stream().filter(f -> f.finding().layer() == IsolationLayer.L4).count(),
        ours.stream().mapToLong(LiveFinding::delayNanos).max().orElse(0) / 1_000_000);
  }

  private static String newId() {
    return HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
  }

  /** Starts the backend in a runsc sandbox and waits (at most 120 s) until it answers. */
  private Process startSandbox(String id, Path logs) throws Exception {
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
                HOST,
                "--jar",
                JAR.toString(),
                "--dir",
                dir.resolve("oci").toString(),
                "--runtime",
                "runsc"));
    for (String flag :
        List.of(
            "--root=" + dir.resolve("runsc-state"),
            "--platform=ptrace",
            "--network=host",
            "--debug-log=" + logs + "/",
            "--strace",
            "--strace-syscalls=fdatasync")) {
      command.addAll(List.of("--runtime-flag", flag));
    }
    for (String arg :
        List.of(
            "--otlp-endpoint",
            "http://127.0.0.1:" + server.grpcPort(),
            "--sync-write-bytes",
            "4096",
            "--sync-writes",
            "1000",
            "--write-dir",
            "/out/write")) {
      command.addAll(List.of("--backend-arg", arg));
    }
    Path log = dir.resolve("sandbox-" + id.substring(0, 12) + ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    started.add(p);
    if (!FaultLab.await(Duration.ofSeconds(120), () -> !p.isAlive() || answers())) {
      throw new AssertionError("the sandbox did not serve in 120 s: " + Files.readString(log));
    }
    assertThat(p.isAlive()).as("the sandbox's launcher: %s", Files.readString(log)).isTrue();
    return p;
  }

  private boolean answers() {
    try {
      http.send(request(), HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (IOException notYet) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void drive(int requests) throws Exception {
    for (int i = 0; i < requests; i++) {
      http.send(request(), HttpResponse.BodyHandlers.discarding());
    }
  }

  private static HttpRequest request() {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/pay"))
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  /** Stops a launcher: SIGTERM kills and deletes its sandbox (the spans are flushed first). */
  private static void stop(Process p) throws InterruptedException {
    if (p.isAlive()) {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
