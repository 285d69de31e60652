package io.isostack.correlator.metrics;

import io.isostack.correlator.receiver.MemoryLimiter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * The memory limiter's meters:
 *
 * <ul>
 *   <li>{@code correlator.memory.used} (gauge, bytes; {@code buffer}: {@code request-bodies},
 *       {@code queue}, {@code open-traces}, {@code event-window}, {@code directories}): estimated
 *       bytes held;
 *   <li>{@code correlator.memory.limit} (gauge, bytes; {@code limit}={@code soft}|{@code hard});
 *   <li>{@code correlator.memory.high.water} (gauge, bytes): the most accounted at once;
 *   <li>{@code correlator.memory.refusals} (counter, requests): requests and batches refused
 *       because the total was above the soft limit.
 * </ul>
 *
 * <p>Thread-safe: the meters read the limiter's atomic counters.
 */
public final class MemoryLimiterMetrics implements MeterBinder {
  private final MemoryLimiter memory;

  /** Binds the meters of {@code memory}. */
  public MemoryLimiterMetrics(MemoryLimiter memory) {
    this.memory = Objects.requireNonNull(memory, "memory");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (MemoryLimiter.Buffer b : MemoryLimiter.Buffer.values()) {
      Gauge.builder("correlator.memory.used", memory, m -> m.usedBytes(b))
          .description("Estimated bytes held by a buffer that grows with input")
          .baseUnit("bytes")
          .tag("buffer", b.tag())
          .register(registry);
    }
    Gauge.builder("correlator.memory.limit", memory, MemoryLimiter::softLimitBytes)
        .description("The memory limiter's limits: refusals above soft, no reservation past hard")
        .baseUnit("bytes")
        .tag("limit", "soft")
        .register(registry);
    Gauge.builder("correlator.memory.limit", memory, MemoryLimiter::hardLimitBytes)
        .description("The memory limiter's limits: refusals above soft, no reservation past hard")
        .baseUnit("bytes")
        .tag("limit", "hard")
        .register(registry);
    Gauge.builder("correlator.memory.high.water", memory, MemoryLimiter::highWaterBytes)
        .description("The most bytes accounted at once")
        .baseUnit("bytes")
        .register(registry);
    FunctionCounter.builder("correlator.memory.refusals", memory, MemoryLimiter::refusals)
        .description("Requests and batches refused above the soft memory limit; clients retry")
        .baseUnit("requests")
        .register(registry);
  }
}
