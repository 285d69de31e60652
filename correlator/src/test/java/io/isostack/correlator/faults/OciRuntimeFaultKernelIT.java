package io.isostack.correlator.faults;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.isostack.correlator.faults.FaultSuite.Instrumentation;
import io.isostack.correlator.lab.Fault;
import io.isostack.correlator.lab.Induction;
import io.isostack.correlator.lab.Load;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The faults of the OCI runtimes' layers, the backend a real container ({@code
 * samples/oci/run-backend.sh}) instrumented by the OpenTelemetry SDK (the Java agent is not in the
 * bundle): under crun with a CFS quota on crun's cgroup, made smaller until requests are measurably
 * slow, L-3 CPU throttling; under gVisor ({@code runsc --platform=ptrace}) with a syscall-heavy
 * handler, L-4 syscall slow path, from the Sentry's boot log that {@code serve --events runsc:DIR/}
 * follows live. Each verdict published within a second of its trace completing.
 */
@Tag("kernel")
class OciRuntimeFaultKernelIT {
  @Test
  void aCfsQuotaOnCrunsCgroupIsContainerCpuThrottling() throws Exception {
    FaultSuite.requireKernelLab(Fault.CRUN_THROTTLE);
    try (FaultSuite suite = new FaultSuite(Fault.CRUN_THROTTLE, "crun", 19281)) {
      suite.prepare();
      FaultSuite.Serve serve = suite.serve();
      Process backend = suite.backend(serve, Instrumentation.SDK);
      suite.frontend(serve, Instrumentation.SDK);
      suite.warmUp();
      Load.Result baseline = suite.drive(Duration.ofSeconds(3));

      Induction.Outcome fault = suite.induce(backend, baseline, 3);
      assumeTrue(fault.induced(), fault.describe());

      List<JsonNode> findings =
          suite.subjectFindings(serve, fault, OciRuntimeFaultKernelIT::backendPay, 3);
      suite.assertVerdicts(findings, "L-3", false, "cpu-throttle", 3);
    }
  }

  @Test
  void aSyscallHeavyHandlerUnderGvisorIsTheSandboxsSyscallSlowPath() throws Exception {
    FaultSuite.requireKernelLab(Fault.GVISOR_SYSCALLS);
    try (FaultSuite suite = new FaultSuite(Fault.GVISOR_SYSCALLS, "gvisor", 19381)) {
      suite.prepare();
      FaultSuite.Serve serve = suite.serve();
      Process backend = suite.backend(serve, Instrumentation.SDK);
      suite.frontend(serve, Instrumentation.SDK);
      suite.warmUp();

      // The handler is syscall-heavy from the sandbox's start: no fault-free baseline.
      Induction.Outcome fault = suite.induce(backend, new Load.Result(0, new long[0]), 3);
      assumeTrue(fault.induced(), fault.describe());

      List<JsonNode> findings =
          suite.subjectFindings(serve, fault, OciRuntimeFaultKernelIT::backendPay, 3);
      suite.assertVerdicts(findings, "L-4", false, "sandbox-syscall-latency", 3);
    }
  }

  private static boolean backendPay(JsonNode f) {
    return f.get("service").asText().equals("backend") && f.get("name").asText().equals("GET /pay");
  }
}
