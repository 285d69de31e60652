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
 * backend commits its journal with {@code fdatasync} on every request. Located live: L-2, the
 * virtio-blk virtqueue full, as the verdict or in the chain of at least 3 hops, with the queue
 * sampler's evidence ({@code block.queue_full}) and the {@code block-queue} family observed.
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
  void directWritesHoldingTheVirtqueueAtItsDepthAreLocatedAsL2() throws Exception {
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
      List<JsonNode> blamed =
          findings.stream()
              .filter(f -> !List.of("application", "unknown").contains(f.get("layer").asText()))
              .toList();
      // On this shared 2-CPU machine (load average ~25 when written) the hop's threads often wait
      // longer for a CPU than for the ring, and the bash sampler, starved too, misses windows:
      // such a hop is host (CPU saturation, or disk latency for the I/O it did not see full), and
      // passes only when its chain also names the full virtqueue.
      assertThat(blamed)
          .as("findings naming a kernel layer")
          .allSatisfy(
              f -> {
                if (!f.get("layer").asText().equals("L-2")) {
                  assertThat(f.get("layer").asText()).isEqualTo("host");
                  assertThat(f.get("cause").asText()).isIn("cpu-saturation", "disk-latency");
                }
                assertThat(f.get("network").asBoolean()).isFalse();
              });
      List<JsonNode> located = blamed.stream().filter(VirtqueueFaultKernelIT::namesL2).toList();
      assertThat(located)
          .as("findings whose verdict or chain is the full virtqueue")
          .hasSizeGreaterThanOrEqualTo(3)
          .allSatisfy(
              f -> {
                assertThat(f.path("coverage").path("block-queue").asText()).isEqualTo("observed");
                assertThat(l2Link(f).path("rule").asText())
                    .isIn(
                        "virtio-blk-queue-full",
                        "virtio-blk-queue-at-depth",
                        "uninterruptible-wait-virtqueue");
              });
      // The queue's own events are in the chain of most; a link made of D waits alone names the
      // full virtqueue from the hop's joined queue windows (its rule context) without listing them.
      assertThat(located)
          .filteredOn(f -> l2Link(f).path("signals").toString().contains("block.queue_full"))
          .hasSizeGreaterThanOrEqualTo(3);
      assertThat(blamed)
          .filteredOn(f -> f.get("layer").asText().equals("L-2"))
          .allSatisfy(f -> assertThat(f.get("cause").asText()).isEqualTo("virtio-blk-queue-full"));
    }
  }

  private static boolean namesL2(JsonNode f) {
    return !l2Link(f).isMissingNode();
  }

  /** The chain link of the full virtqueue, or a missing node. */
  private static JsonNode l2Link(JsonNode f) {
    for (JsonNode link : f.path("chain")) {
      if (link.get("layer").asText().equals("L-2")
          && link.get("cause").asText().equals("virtio-blk-queue-full")) {
        return link;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
