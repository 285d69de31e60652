package io.isostack.correlator.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.faults.FaultSuite.Instrumentation;
import io.isostack.correlator.lab.Fault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fault 5 of the suite: no fault. With the producers running and traffic flowing, no layer of the
 * isolation stack may be blamed: a finding, if any, says {@code application}, or {@code host} CPU
 * saturation when other work keeps the node's CPUs busy.
 */
@Tag("kernel")
class NoFaultKernelIT {
  @BeforeAll
  static void lab() throws Exception {
    FaultSuite.requireKernelLab(Fault.NONE);
  }

  @Test
  void withoutAFaultNoKernelLayerIsBlamed() throws Exception {
    try (FaultSuite suite = new FaultSuite(Fault.NONE, "none", 18481)) {
      suite.prepare();
      FaultSuite.Serve serve = suite.serve();
      suite.backend(serve, Instrumentation.SDK);
      suite.frontend(serve, Instrumentation.SDK);
      suite.warmUp();
      Instant measured = Clock.systemUTC().instant();
      int answered = suite.drive(Duration.ofSeconds(8)).answered();
      assertThat(answered).isGreaterThan(15);

      suite.awaitEvaluated(serve);
      long since = measured.getEpochSecond() * 1_000_000_000L + measured.getNano();
      assertThat(FaultSuite.since(suite.findings(serve), since))
          .as("findings without a fault, logs in %s", suite.logs())
          .allSatisfy(
              f -> {
                // No layer of the isolation stack is to blame. On a loaded node (the suite may run
                // beside other CPU-bound work) a wait for a CPU with no quota on the cgroup is the
                // host's CPUs, and the verdict says so.
                String layer = f.get("layer").asText();
                assertThat(layer).as(f.toString()).isIn("application", "host");
                if (layer.equals("host")) {
                  assertThat(f.get("cause").asText()).as(f.toString()).isEqualTo("cpu-saturation");
                }
                assertThat(f.get("coverage").get("scheduler").asText())
                    .as("the scheduler was watched: %s", f)
                    .isEqualTo("observed");
              });
    }
  }
}
