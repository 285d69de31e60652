package io.isostack.correlator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.engine.LiveStats;
import io.isostack.model.IsolationLayer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LiveAnalyzerMetricsTest {
  private final AtomicReference<LiveStats> stats = new AtomicReference<>(stats(0));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static LiveStats stats(long n) {
    return new LiveStats(
        100 * n,
        200 * n,
        3 * n,
        4 * n,
        5 * n,
        6 * n,
        7 * n,
        8 * n,
        (int) (9 * n),
        10 * n,
        n == 0 ? Map.of() : Map.of("L-3", 2 * n, "application", n),
        11 * n,
        12 * n,
        13 * n,
        14 * n,
        15 * n,
        16 * n,
        17 * n,
        18 * n);
  }

  @BeforeEach
  void bind() {
    new LiveAnalyzerMetrics(stats, stats::get).bindTo(registry);
  }

  @Test
  void metersReadTheLatestSnapshot() {
    stats.set(stats(1));

    assertThat(registry.get("correlator.window.events").gauge().value()).isEqualTo(10);
    assertThat(registry.get("correlator.window.traces").gauge().value()).isEqualTo(9);
    assertThat(registry.get("correlator.window.evictions").tag("kind", "events").functionCounter())
        .extracting(c -> c.count())
        .isEqualTo(6.0);
    assertThat(registry.get("correlator.window.evictions").tag("kind", "traces").functionCounter())
        .extracting(c -> c.count())
        .isEqualTo(7.0);
    assertThat(registry.get("correlator.records.late").tag("signal", "spans").functionCounter())
        .extracting(c -> c.count())
        .isEqualTo(4.0);
    assertThat(registry.get("correlator.records.late").tag("signal", "events").functionCounter())
        .extracting(c -> c.count())
        .isEqualTo(5.0);
    assertThat(registry.get("correlator.batches.refused").functionCounter().count()).isEqualTo(3);
    assertThat(registry.get("correlator.traces.evaluated").functionCounter().count()).isEqualTo(8);

    stats.set(stats(2));

    assertThat(registry.get("correlator.window.events").gauge().value()).isEqualTo(20);
    assertThat(registry.get("correlator.batches.refused").functionCounter().count()).isEqualTo(6);
  }

  @Test
  void findingsAreCountedPerLayerAndEveryLayerStartsAtZero() {
    assertThat(registry.get("correlator.findings").functionCounters())
        .hasSize(IsolationLayer.values().length)
        .allSatisfy(c -> assertThat(c.count()).isZero());

    stats.set(stats(3));

    assertThat(registry.get("correlator.findings").tag("layer", "L-3").functionCounter().count())
        .isEqualTo(6);
    assertThat(
            registry
                .get("correlator.findings")
                .tag("layer", "application")
                .functionCounter()
                .count())
        .isEqualTo(3);
    assertThat(registry.get("correlator.findings").tag("layer", "L-1").functionCounter().count())
        .isZero();
  }

  @Test
  void everyMeterHasADescriptionAndABaseUnit() {
    assertThat(registry.getMeters())
        .isNotEmpty()
        .allSatisfy(
            m -> {
              Meter.Id id = m.getId();
              assertThat(id.getName()).startsWith("correlator.");
              assertThat(id.getDescription()).as(id.getName()).isNotBlank();
              assertThat(id.getBaseUnit()).as(id.getName()).isNotBlank();
            });
  }
}
