package io.isostack.correlator.faults;

import static io.isostack.correlator.faults.FaultLab.EBPF;
import static io.isostack.correlator.faults.FaultLab.HOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fault 4 of the suite: the backend started under a seccomp filter (libseccomp) that denies a
 * syscall on its request path ({@code mkdir} of its audit directory), which it retries. The live
 * verdict: L-3, seccomp denial.
 */
@Tag("kernel")
class SeccompDenialFaultKernelIT {
  private static final Path LAUNCHER =
      Path.of("..", "samples", "faults", "seccomp-exec.py").toAbsolutePath().normalize();

  @BeforeAll
  static void lab() throws Exception {
    FaultLab.requireKernelLab();
    assumeTrue(
        new ProcessBuilder("/usr/bin/python3", "-c", "import seccomp").start().waitFor() == 0,
        "needs libseccomp for Python (apt-get install python3-seccomp)");
  }

  @Test
  void aDeniedSyscallOnTheRequestPathIsContainerSeccompDenial() throws Exception {
    try (FaultLab lab = new FaultLab("seccomp")) {
      Path audit = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "audit-");
      lab.onClose(() -> FaultLab.quietly("rm", "-rf", audit.toString()));
      FaultLab.Serve serve =
          lab.serve(
              "127.0.0.1",
              List.of(
                  "bpftrace -q -f json " + EBPF.resolve("syscalls.bt") + " " + HOST,
                  "bpftrace -q -f json " + EBPF.resolve("sched.bt") + " " + HOST + " 1000"));
      lab.service(
          "backend",
          "127.0.0.1",
          18781,
          List.of("/usr/bin/python3", LAUNCHER.toString(), "mkdir,mkdirat"),
          List.of(),
          List.of("--otlp-endpoint", serve.otlpEndpoint(), "--audit-dir", audit.toString()));
      lab.service(
          "frontend",
          "127.0.0.1",
          18780,
          List.of(),
          List.of(),
          List.of("--otlp-endpoint", serve.otlpEndpoint(), "--backend", "http://127.0.0.1:18781"));
      URI checkout = URI.create("http://127.0.0.1:18780/checkout");
      lab.drive(checkout, 10, Duration.ofSeconds(4), false, 4);
      long faultStart = FaultLab.now();
      lab.drive(checkout, 3, Duration.ofSeconds(8), true, 3);

      FaultLab.await(
          "3 findings for the backend, see " + lab.logs(),
          45,
          () -> backendFindings(FaultLab.since(lab.findings(serve), faultStart)).size() >= 3);
      List<JsonNode> findings = backendFindings(FaultLab.since(lab.findings(serve), faultStart));
      FaultLab.assertVerdicts(findings, "L-3", false, "seccomp-denied", 3, lab.logs());
      assertThat(findings)
          .filteredOn(f -> f.get("cause").asText().equals("seccomp-denied"))
          .allSatisfy(
              f ->
                  assertThat(f.get("evidence"))
                      .anySatisfy(
                          e ->
                              assertThat(e.path("attrs").path("syscall").asText())
                                  .startsWith("mkdir")));
    }
  }

  private static List<JsonNode> backendFindings(List<JsonNode> findings) {
    return findings.stream().filter(f -> f.get("service").asText().equals("backend")).toList();
  }
}
