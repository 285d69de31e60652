package io.isostack.correlator.metrics;

import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveStats;
import io.isostack.model.IsolationLayer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The live correlator's meters, read from its {@link LiveStats} (refreshed every engine tick, 50
 * ms), so that the engine itself holds no metrics code:
 *
 * <ul>
 *   <li>{@code correlator.window.events} (gauge, events): kernel events held in the window;
 *   <li>{@code correlator.window.traces} (gauge, traces): traces being assembled;
 *   <li>{@code correlator.window.evictions} (counter, evictions; {@code kind}={@code events}:
 *       events that fell behind the retention, {@code traces}: traces evicted before completion
 *       because too many were buffered);
 *   <li>{@code correlator.records.late} (counter, records; {@code signal}={@code spans}: spans of a
 *       trace already evaluated, {@code events}: events older than the retention on arrival);
 *   <li>{@code correlator.batches.refused} (counter, batches): batches refused because the engine's
 *       queue was full (receivers answer 503 / UNAVAILABLE and clients retry);
 *   <li>{@code correlator.batches.refused.overload} (counter, batches; {@code reason}={@code
 *       memory}: above the memory limiter's soft limit, {@code traces}: the trace buffer 90 %
 *       full): part of {@code correlator.batches.refused};
 *   <li>{@code correlator.records.dropped} (counter, records; {@code reason}={@code
 *       trace-span-cap}: spans of a trace past the span cap, {@code duplicate}: spans resent,
 *       {@code trace-evicted}: spans of traces evicted at the trace limit, {@code memory}: events
 *       shed from the window before their retention because memory was short);
 *   <li>{@code correlator.hosts.evicted} (counter, hosts): hosts whose directory state was
 *       forgotten;
 *   <li>{@code correlator.traces.evaluated} (counter, traces);
 *   <li>{@code correlator.spans.evaluated} (counter, spans): spans of the traces evaluated;
 *   <li>{@code correlator.findings} (counter, findings; {@code layer}: every {@link IsolationLayer}
 *       code, registered at zero).
 * </ul>
 *
 * <p>Micrometer holds the state of function meters weakly: the meters read the engine, which the
 * server holds for its lifetime. Thread-safe: the meters read the latest snapshot.
 */
public final class LiveAnalyzerMetrics implements MeterBinder {
  private final Object owner;
  private final Supplier<LiveStats> stats;

  /**
   * Creates the binder.
   *
   * @param engine the live correlator whose {@link LiveAnalyzer#stats()} the meters read
   */
  public LiveAnalyzerMetrics(LiveAnalyzer engine) {
    this(engine, Objects.requireNonNull(engine, "engine")::stats);
  }

  /**
   * Creates the binder over any source of snapshots (for tests).
   *
   * @param owner what the meters hold weakly; the caller keeps it reachable
   * @param stats the latest counters
   */
  LiveAnalyzerMetrics(Object owner, Supplier<LiveStats> stats) {
    this.owner = Objects.requireNonNull(owner, "owner");
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("correlator.window.events", owner, o -> stats.get().eventsHeld())
        .description("Kernel events held in the correlation window")
        .baseUnit("events")
        .register(registry);
    Gauge.builder("correlator.window.traces", owner, o -> stats.get().activeTraces())
        .description("Traces being assembled, not yet complete")
        .baseUnit("traces")
        .register(registry);
    counter(
        registry,
        "correlator.window.evictions",
        "Events that fell behind the retention, and traces evicted before completion",
        "evictions",
        LiveStats::eventsEvicted,
        "kind",
        "events");
    counter(
        registry,
        "correlator.window.evictions",
        "Events that fell behind the retention, and traces evicted before completion",
        "evictions",
        LiveStats::tracesEvicted,
        "kind",
        "traces");
    counter(
        registry,
        "correlator.records.late",
        "Spans of traces already evaluated, and events older than the retention, dropped",
        "records",
        LiveStats::spansLate,
        "signal",
        "spans");
    counter(
        registry,
        "correlator.records.late",
        "Spans of traces already evaluated, and events older than the retention, dropped",
        "records",
        LiveStats::eventsLate,
        "signal",
        "events");
    FunctionCounter.builder("correlator.batches.refused", owner, o -> stats.get().batchesRefused())
        .description("Batches refused because the engine's queue was full; clients retry them")
        .baseUnit("batches")
        .register(registry);
    String overload = "Batches refused for memory or a full trace buffer; clients retry them";
    counter(
        registry,
        "correlator.batches.refused.overload",
        overload,
        "batches",
        LiveStats::batchesRefusedForMemory,
        "reason",
        "memory");
    counter(
        registry,
        "correlator.batches.refused.overload",
        overload,
        "batches",
        LiveStats::batchesRefusedForTraces,
        "reason",
        "traces");
    String dropped = "Accepted records dropped unevaluated, by reason";
    counter(
        registry,
        "correlator.records.dropped",
        dropped,
        "records",
        LiveStats::spansOverCap,
        "reason",
        "trace-span-cap");
    counter(
        registry,
        "correlator.records.dropped",
        dropped,
        "records",
        LiveStats::eventsShed,
        "reason",
        "memory");
    counter(
        registry,
        "correlator.records.dropped",
        dropped,
        "records",
        LiveStats::spansDuplicate,
        "reason",
        "duplicate");
    counter(
        registry,
        "correlator.records.dropped",
        dropped,
        "records",
        LiveStats::spansEvicted,
        "reason",
        "trace-evicted");
    FunctionCounter.builder("correlator.spans.evaluated", owner, o -> stats.get().spansEvaluated())
        .description("Spans of the traces evaluated for slow hops")
        .baseUnit("spans")
        .register(registry);
    FunctionCounter.builder("correlator.hosts.evicted", owner, o -> stats.get().hostsEvicted())
        .description("Hosts whose process, interface and coverage state was forgotten")
        .baseUnit("hosts")
        .register(registry);
    FunctionCounter.builder(
            "correlator.traces.evaluated", owner, o -> stats.get().tracesEvaluated())
        .description("Traces evaluated for slow hops")
        .baseUnit("traces")
        .register(registry);
    for (IsolationLayer layer : IsolationLayer.values()) {
      String code = layer.code();
      counter(
          registry,
          "correlator.findings",
          "Findings published, by the isolation layer of their verdict",
          "findings",
          s -> s.findingsByLayer().getOrDefault(code, 0L),
          "layer",
          code);
    }
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      String unit,
      ToLongFunction<LiveStats> value,
      String tag,
      String tagValue) {
    FunctionCounter.builder(name, owner, o -> value.applyAsLong(stats.get()))
        .description(description)
        .baseUnit(unit)
        .tag(tag, tagValue)
        .register(registry);
  }
}
