package io.isostack.correlator.metrics;

import io.isostack.correlator.engine.LiveFinding;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code correlator.finding.delay} (timer, seconds): for each published finding, the delay from its
 * trace's completion (root ended and the idle time passed) to its publication, {@link
 * LiveFinding#delayNanos()}. Serve's goal is a verdict within about a second of completion, so the
 * histogram's buckets (service-level objectives) are 50 ms, 100 ms, 200 ms, 300 ms, 500 ms, 750 ms,
 * 1 s, 1.5 s, 2 s, 3 s and 5 s; Prometheus gets {@code correlator_finding_delay_seconds_bucket}.
 *
 * <p>Use it as (part of) the engine's finding sink; it never throws. Findings accepted before
 * {@link #bindTo} are not recorded. Thread-safe.
 */
public final class FindingDelayMetrics implements MeterBinder, Consumer<LiveFinding> {
  static final Duration[] BUCKETS = {
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(200),
    Duration.ofMillis(300),
    Duration.ofMillis(500),
    Duration.ofMillis(750),
    Duration.ofSeconds(1),
    Duration.ofMillis(1500),
    Duration.ofSeconds(2),
    Duration.ofSeconds(3),
    Duration.ofSeconds(5)
  };

  private volatile Timer delay;

  @Override
  public void bindTo(MeterRegistry registry) {
    delay =
        Timer.builder("correlator.finding.delay")
            .description("Delay from a trace's completion to the publication of its findings")
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
  }

  /** Records the finding's delay; a negative delay (a clock stepped back) is recorded as 0. */
  @Override
  public void accept(LiveFinding finding) {
    Timer t = delay;
    if (t != null) {
      t.record(Math.max(0, finding.delayNanos()), TimeUnit.NANOSECONDS);
    }
  }
}
