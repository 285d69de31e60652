package io.isostack.correlator.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.isostack.correlator.faults.FaultSuite.Instrumentation;
import io.isostack.correlator.lab.Fault;
import io.isostack.correlator.lab.Induction;
import io.isostack.correlator.lab.Load;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * L-2 for real on this machine, itself a microVM whose disk {@code vda} is virtio-blk: direct
 * writes with 128 in flight per {@code fio} job keep the disk's virtqueue at its depth while the
 * backend commits its journal with {@code fdatasync} on every request. The live verdict: L-2, the
 * virtio-blk virtqueue full, with the queue sampler's evidence ({@code block.queue_full}) in the
 * chain and the {@code block-queue} family observed.
 */
@Tag("kernel")
class VirtqueueFaultKernelIT {
  @BeforeAll
  static void lab() throws Exception {
    FaultSuite.requireKernelLab(Fault.VIRTQUEUE);
    String disk = Files.readString(Path.of("/proc/mounts")).contains("/dev/vda / ") ? "vda" : null;
    assumeTrue(
        disk != null && Files.exists(Path.of("/sys/block/vda/device/driver")),
        "needs the root filesystem on a virtio-blk disk vda (a VM's disk)");
  }

  @Test
  void directWritesHoldingTheVirtqueueAtItsDepthAreL2() throws Exception {
    try (FaultSuite suite = new FaultSuite(Fault.VIRTQUEUE, "virtq", 18781, "virtq", 205)) {
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
      suite.assertVerdicts(findings, "L-2", false, "virtio-blk-queue-full", 3);
      assertThat(findings)
          .filteredOn(f -> f.get("cause").asText().equals("virtio-blk-queue-full"))
          .allSatisfy(
              f ->
                  assertThat(f.path("chain").toString())
                      .as("the chain names the full virtqueue")
                      .contains("block.queue_full"));
    }
  }
}
