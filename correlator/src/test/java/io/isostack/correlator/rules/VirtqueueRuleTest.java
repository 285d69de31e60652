package io.isostack.correlator.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.join.DeviceKind;
import io.isostack.model.EventName;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Block I/O latency is L-2 only with virtqueue evidence (docs/METHOD.md §3.2): the request's
 * virtio-blk disk had its queue at its depth while the request was in flight.
 */
class VirtqueueRuleTest {
  private static final RuleTable DEFAULTS = RuleTable.defaults();

  private static RuleContext fullFrom(String dev, long start, long end) {
    return new RuleContext(
        false,
        false,
        false,
        DeviceKind.UNKNOWN,
        QueueFullWindows.of(Map.of(dev, List.of(new long[] {start, end}))));
  }

  private static KernelEvent request(String dev, long start, long end) {
    return KernelEvent.builder(EventName.BLOCK_IO_LATENCY, "node-1")
        .interval(start, end)
        .dev(dev)
        .attrs(Map.of("op", "W"))
        .build();
  }

  @Test
  void aRequestOnADiskWhoseVirtqueueWasAtItsDepthIsL2() {
    Rule rule = DEFAULTS.match(request("vda", 1_000, 2_000), fullFrom("vda", 1_500, 3_000));

    assertThat(rule.id()).isEqualTo("virtio-blk-queue-full");
    assertThat(rule.layer()).isEqualTo(IsolationLayer.L2);
    assertThat(rule.cause()).isEqualTo("virtio-blk-queue-full");
  }

  @Test
  void withoutQueueEvidenceARequestOnAVirtioDiskStaysHostDiskLatency() {
    Rule rule =
        DEFAULTS.match(
            request("vda", 1_000, 2_000), new RuleContext(false, false, false, DeviceKind.UNKNOWN));

    assertThat(rule.id()).isEqualTo("disk-latency");
    assertThat(rule.layer()).isEqualTo(IsolationLayer.HOST);
  }

  @Test
  void aFullQueueOfAnotherDiskOrAtAnotherTimeIsNoEvidence() {
    assertThat(DEFAULTS.match(request("vdb", 1_000, 2_000), fullFrom("vda", 0, 5_000)).id())
        .isEqualTo("disk-latency");
    assertThat(DEFAULTS.match(request("vda", 1_000, 2_000), fullFrom("vda", 2_001, 5_000)).id())
        .isEqualTo("disk-latency");
  }

  @Test
  void theQueueEventIsL2EvidenceOnlyOnAVirtioDisk() {
    KernelEvent full =
        KernelEvent.builder(EventName.BLOCK_QUEUE_FULL, "node-1")
            .interval(1_000, 2_000)
            .dev("vda")
            .build();
    KernelEvent nvme =
        KernelEvent.builder(EventName.BLOCK_QUEUE_FULL, "node-1")
            .interval(1_000, 2_000)
            .dev("nvme0n1")
            .build();

    assertThat(DEFAULTS.match(full, fullFrom("vda", 1_000, 2_000)).id())
        .isEqualTo("virtio-blk-queue-at-depth");
    Rule other = DEFAULTS.match(nvme, fullFrom("vda", 1_000, 2_000));
    assertThat(other.id()).isEqualTo("block-queue-full");
    assertThat(other.layer()).isEqualTo(IsolationLayer.HOST);
  }

  @Test
  void anUninterruptibleWaitIsL2OnlyWhileAVirtioDiskOfItsHostHadItsVirtqueueFull() {
    KernelEvent wait =
        KernelEvent.builder(EventName.SCHED_OFFCPU, "node-1")
            .interval(1_000, 2_000)
            .task(42, 43, "pay-worker-1")
            .attrs(Map.of("state", "D"))
            .build();

    assertThat(DEFAULTS.match(wait, fullFrom("vda", 1_900, 3_000)).id())
        .isEqualTo("uninterruptible-wait-virtqueue");
    assertThat(DEFAULTS.match(wait, fullFrom("vda", 2_100, 3_000)).id())
        .isEqualTo("uninterruptible-wait");
  }
}
