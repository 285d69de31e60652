package io.isostack.correlator.join;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoverageTest {
  private static final EntityKey CGROUP = EntityKey.cgroup("node-1", "/demo-backend");
  private final Coverage coverage = new Coverage();

  private void throttled(long fromMs, long toMs, String quotaUs) {
    coverage.learn(
        KernelEvent.builder(EventName.CPU_THROTTLED, "node-1")
            .interval(ms(fromMs), ms(toMs))
            .cgroup(0, "/demo-backend")
            .attrs(Map.of("cfs_quota_us", quotaUs, "cfs_period_us", "100000"))
            .build());
  }

  private boolean limitedBy(long toMs) {
    return coverage.cpuLimited(List.of(CGROUP), ms(toMs));
  }

  @Test
  void aCpuLimitHoldsFromTheFirstSampleThatShowsIt() {
    throttled(30_000, 30_100, "5000");
    throttled(10_000, 10_100, "10000");

    assertThat(limitedBy(2_300)).as("a span before the quota was set").isFalse();
    assertThat(limitedBy(9_500)).as("within a second of the first sample").isTrue();
    assertThat(limitedBy(20_000)).as("between throttled samples").isTrue();
    assertThat(limitedBy(60_000)).as("after the last sample").isTrue();
  }

  @Test
  void throttlingWithoutAQuotaIsNoLimit() {
    throttled(10_000, 10_100, "-1");

    assertThat(limitedBy(10_100)).isFalse();
  }

  @Test
  void anotherCgroupsLimitIsNotThisOnes() {
    throttled(10_000, 10_100, "10000");

    assertThat(coverage.cpuLimited(List.of(EntityKey.cgroup("node-1", "/other")), ms(20_000)))
        .isFalse();
    assertThat(
            coverage.cpuLimited(List.of(EntityKey.cgroup("node-2", "/demo-backend")), ms(20_000)))
        .isFalse();
  }
}
