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
 * Fault 5 of the suite: no fault. With the producers running and traffic flowing, no kernel layer
 * may be blamed (a finding, if any, says {@code application}).
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
          .allSatisfy(f -> assertThat(f.get("layer").asText()).isEqualTo("application"));
    }
  }
}
