package io.isostack.correlator.faults;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.isostack.correlator.faults.FaultSuite.Instrumentation;
import io.isostack.correlator.lab.Fault;
import io.isostack.correlator.lab.Induction;
import io.isostack.correlator.lab.Load;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fault 1 of the suite: a small CFS quota on the backend's cgroup, made smaller until requests are
 * measurably slow. The live verdict for its slow spans must be L-3 CPU throttling, published within
 * a second of the trace completing; once with the services instrumented by the OpenTelemetry SDK,
 * once by the OpenTelemetry Java agent.
 */
@Tag("kernel")
class CpuThrottleFaultKernelIT {
  @BeforeAll
  static void lab() throws Exception {
    FaultSuite.requireKernelLab(Fault.CPU_THROTTLE);
  }

  @ParameterizedTest(name = "instrumented by the {0}")
  @EnumSource(Instrumentation.class)
  void cfsQuotaOnTheBackendIsContainerCpuThrottling(Instrumentation instrumentation)
      throws Exception {
    int backendPort = instrumentation == Instrumentation.SDK ? 18281 : 18381;
    try (FaultSuite suite =
        new FaultSuite(Fault.CPU_THROTTLE, "cpu-" + instrumentation, backendPort)) {
      suite.prepare();
      FaultSuite.Serve serve = suite.serve();
      Process backend = suite.backend(serve, instrumentation);
      suite.frontend(serve, instrumentation);
      suite.warmUp();
      Load.Result baseline = suite.drive(Duration.ofSeconds(3));

      Induction.Outcome fault = suite.induce(backend, baseline, 3);
      assumeTrue(fault.induced(), fault.describe());

      List<JsonNode> findings =
          suite.subjectFindings(serve, fault, CpuThrottleFaultKernelIT::backendPay, 3);
      suite.assertVerdicts(findings, "L-3", false, "cpu-throttle", 3);
    }
  }

  private static boolean backendPay(JsonNode f) {
    return f.get("service").asText().equals("backend") && f.get("name").asText().equals("GET /pay");
  }
}
