package io.isostack.correlator.faults;

import static io.isostack.correlator.faults.FaultLab.EBPF;
import static io.isostack.correlator.faults.FaultLab.HOST;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fault 1 of the suite: a small CFS quota on the backend's cgroup. The live verdict for its slow
 * spans must be L-3 CPU throttling, published within a second of the trace completing; once with
 * the services instrumented by the OpenTelemetry SDK, once by the OpenTelemetry Java agent.
 */
@Tag("kernel")
class CpuThrottleFaultKernelIT {
  private static final Path CPU = Path.of("/sys/fs/cgroup/cpu");

  @BeforeAll
  static void lab() throws Exception {
    FaultLab.requireKernelLab();
  }

  @ParameterizedTest(name = "instrumented by the {0}")
  @ValueSource(strings = {"sdk", "agent"})
  void cfsQuotaOnTheBackendIsContainerCpuThrottling(String instrumentation) throws Exception {
    try (FaultLab lab = new FaultLab("cpu-" + instrumentation)) {
      String name = "iso-fault-cpu-" + ProcessHandle.current().pid();
      Path cgroup = Files.createDirectory(CPU.resolve(name));
      lab.onClose(() -> Files.deleteIfExists(cgroup));
      FaultLab.Serve serve =
          lab.serve(
              "127.0.0.1",
              List.of(
                  "bpftrace -q -f json " + EBPF.resolve("sched.bt") + " " + HOST + " 1000",
                  "bash "
                      + EBPF.resolve("cgroup-sampler.sh")
                      + " --cgroup /"
                      + name
                      + " --host "
                      + HOST
                      + " --interval-ms 100"));
      int backendPort = instrumentation.equals("sdk") ? 18281 : 18381;
      int frontendPort = backendPort - 1;
      Process backend =
          lab.service(
              "backend",
              "127.0.0.1",
              backendPort,
              List.of(),
              jvm(instrumentation, "backend", serve),
              telemetry(instrumentation, serve));
      lab.service(
          "frontend",
          "127.0.0.1",
          frontendPort,
          List.of(),
          jvm(instrumentation, "frontend", serve),
          concat(
              telemetry(instrumentation, serve),
              List.of("--backend", "http://127.0.0.1:" + backendPort)));
      URI checkout = URI.create("http://127.0.0.1:" + frontendPort + "/checkout");
      lab.drive(checkout, 10, Duration.ofSeconds(5), false, 4);

      long faultStart = FaultLab.now();
      Files.writeString(cgroup.resolve("cpu.cfs_period_us"), "100000");
      Files.writeString(cgroup.resolve("cpu.cfs_quota_us"), "10000");
      Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(backend.pid()));
      Thread.sleep(500);
      lab.drive(checkout, 3, Duration.ofSeconds(8), true, 3);

      FaultLab.await(
          "3 findings for the backend's GET /pay, see " + lab.logs(),
          45,
          () -> backendFindings(FaultLab.since(lab.findings(serve), faultStart)).size() >= 3);
      FaultLab.assertVerdicts(
          backendFindings(FaultLab.since(lab.findings(serve), faultStart)),
          "L-3",
          false,
          "cpu-throttle",
          3,
          lab.logs());
    }
  }

  private static List<JsonNode> backendFindings(List<JsonNode> findings) {
    return findings.stream()
        .filter(f -> f.get("service").asText().equals("backend"))
        .filter(f -> f.get("name").asText().equals("GET /pay"))
        .toList();
  }

  static List<String> jvm(String instrumentation, String service, FaultLab.Serve serve) {
    return instrumentation.equals("agent") ? FaultLab.agent(service, serve) : List.of();
  }

  static List<String> telemetry(String instrumentation, FaultLab.Serve serve) {
    return instrumentation.equals("agent")
        ? List.of("--telemetry", "agent")
        : List.of("--otlp-endpoint", serve.otlpEndpoint());
  }

  static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
