package io.isostack.correlator.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.isostack.correlator.faults.FaultSuite.Instrumentation;
import io.isostack.correlator.lab.Fault;
import io.isostack.correlator.lab.Induction;
import io.isostack.correlator.lab.Load;
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
  @BeforeAll
  static void lab() throws Exception {
    FaultSuite.requireKernelLab(Fault.SECCOMP);
  }

  @Test
  void aDeniedSyscallOnTheRequestPathIsContainerSeccompDenial() throws Exception {
    try (FaultSuite suite = new FaultSuite(Fault.SECCOMP, "seccomp", 18781)) {
      suite.prepare();
      FaultSuite.Serve serve = suite.serve();
      Process backend = suite.backend(serve, Instrumentation.SDK);
      suite.frontend(serve, Instrumentation.SDK);
      suite.warmUp();

      // The filter is there from the start: no fault-free baseline to compare with.
      Induction.Outcome fault = suite.induce(backend, new Load.Result(0, new long[0]), 3);
      assumeTrue(fault.induced(), fault.describe());

      List<JsonNode> findings =
          suite.subjectFindings(serve, fault, f -> f.get("service").asText().equals("backend"), 3);
      suite.assertVerdicts(findings, "L-3", false, "seccomp-denied", 3);
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
}
