package io.isostack.correlator.faults;

import static io.isostack.correlator.faults.FaultLab.EBPF;
import static io.isostack.correlator.faults.FaultLab.HOST;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fault 5 of the suite: no fault. With the producers running and traffic flowing, no kernel layer
 * may be blamed (a finding, if any, says {@code application}).
 */
@Tag("kernel")
class NoFaultKernelIT {
  @BeforeAll
  static void lab() throws Exception {
    FaultLab.requireKernelLab();
  }

  @Test
  void withoutAFaultNoKernelLayerIsBlamed() throws Exception {
    try (FaultLab lab = new FaultLab("none")) {
      FaultLab.Serve serve =
          lab.serve(
              "127.0.0.1",
              List.of("bpftrace -q -f json " + EBPF.resolve("sched.bt") + " " + HOST + " 1000"));
      lab.service(
          "backend",
          "127.0.0.1",
          18481,
          List.of(),
          List.of(),
          List.of("--otlp-endpoint", serve.otlpEndpoint()));
      lab.service(
          "frontend",
          "127.0.0.1",
          18480,
          List.of(),
          List.of(),
          List.of("--otlp-endpoint", serve.otlpEndpoint(), "--backend", "http://127.0.0.1:18481"));
      URI checkout = URI.create("http://127.0.0.1:18480/checkout");
      lab.drive(checkout, 10, Duration.ofSeconds(5), false, 4);
      long measured = FaultLab.now();
      int answered = lab.drive(checkout, 3, Duration.ofSeconds(8), true, 3);
      assertThat(answered).isGreaterThan(15);

      FaultLab.await(
          "the traces to be evaluated",
          30,
          () -> lab.stats(serve).path("tracesEvaluated").asLong() >= answered);
      assertThat(FaultLab.since(lab.findings(serve), measured))
          .as("findings without a fault, logs in %s", lab.logs())
          .allSatisfy(f -> assertThat(f.get("layer").asText()).isEqualTo("application"));
    }
  }
}
