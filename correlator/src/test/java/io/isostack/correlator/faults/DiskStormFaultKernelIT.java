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
import org.junit.jupiter.api.Test;

/**
 * Fault 3 of the suite: a storm of direct and synchronous writes on the disk the backend commits
 * its journal to (the virtio disk here) while it commits on every request, with more writers until
 * requests are measurably slow. The live verdict: host, disk latency.
 */
@Tag("kernel")
class DiskStormFaultKernelIT {
  @BeforeAll
  static void lab() throws Exception {
    FaultSuite.requireKernelLab(Fault.DISK);
  }

  @Test
  void aSyncWriteStormOnTheBackendsDiskIsHostDiskLatency() throws Exception {
    try (FaultSuite suite = new FaultSuite(Fault.DISK, "disk", 18681)) {
      suite.prepare();
      FaultSuite.Serve serve = suite.serve();
      Process backend = suite.backend(serve, Instrumentation.SDK);
      suite.frontend(serve, Instrumentation.SDK);
      suite.warmUp();
      Load.Result baseline = suite.drive(Duration.ofSeconds(4)); // before the storm

      Induction.Outcome fault = suite.induce(backend, baseline, 3);
      assumeTrue(fault.induced(), fault.describe());

      List<JsonNode> findings =
          suite.subjectFindings(serve, fault, f -> f.get("service").asText().equals("backend"), 3);
      suite.assertVerdicts(findings, "host", false, "disk-latency", 3);
    }
  }
}
