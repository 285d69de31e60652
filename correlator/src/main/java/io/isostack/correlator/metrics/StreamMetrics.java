package io.isostack.correlator.metrics;

import io.isostack.correlator.stream.CorrelatorStream;
import io.isostack.correlator.stream.StreamStats;
import io.isostack.model.IsolationLayer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.ToLongFunction;

/**
 * The meters of one {@code correlator stream} instance: every Kafka Streams client, thread, task,
 * store and embedded-client metric, by Micrometer's {@link KafkaStreamsMetrics} ({@code
 * kafka.stream.*}, {@code kafka.consumer.*}, {@code kafka.producer.*}..., tagged with the client
 * and thread ids; new ones, e.g. of tasks assigned later, are picked up every {@value
 * #REFRESH_SECONDS} s), and the correlator's own counters, read from {@link StreamStats}:
 *
 * <ul>
 *   <li>{@code correlator.records.received} (counter, records; {@code source}={@code kafka}, {@code
 *       signal}={@code spans} or {@code events}): valid spans and kernel events taken from the
 *       topics;
 *   <li>{@code correlator.records.late} (counter, records; {@code signal}={@code spans}): spans of
 *       a trace already evaluated;
 *   <li>{@code correlator.records.rejected} (counter, records; {@code reason}): the reasons of
 *       {@link IngestMetrics} registered at zero, {@code other} for the rest;
 *   <li>{@code correlator.traces.evaluated} (counter, traces);
 *   <li>{@code correlator.hops.sent} (counter, hops): slow hops sent to their host's partition;
 *   <li>{@code correlator.hops.parked} (counter, hops): slow hops parked at their host's partition
 *       (or at a host they visit);
 *   <li>{@code correlator.hops.visited} (counter, hops): visits of slow hops to another host than
 *       their own, for the evidence on their peer's side;
 *   <li>{@code correlator.events.stored} (counter, events): kernel events put into their host's
 *       window store;
 *   <li>{@code correlator.findings} (counter, findings; {@code layer}: every {@link IsolationLayer}
 *       code, registered at zero).
 * </ul>
 *
 * <p>The counters count records as they are processed, so a task re-run after a failover counts
 * again what its aborted transaction had counted ({@link StreamStats}). Micrometer holds the state
 * of function meters weakly: the meters read the stream, which its command holds for its lifetime.
 * {@link #close()} stops the refresh of the Kafka meters. Thread-safe.
 */
public final class StreamMetrics implements MeterBinder, AutoCloseable {
  static final int REFRESH_SECONDS = 10;

  private final CorrelatorStream stream;
  private final ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kafka-metrics-refresh");
            t.setDaemon(true);
            return t;
          });
  private final KafkaStreamsMetrics kafka;

  /**
   * Creates the binder.
   *
   * @param stream the instance whose client and counters the meters read
   */
  public StreamMetrics(CorrelatorStream stream) {
    this.stream = Objects.requireNonNull(stream, "stream");
    this.kafka =
        new KafkaStreamsMetrics(
            stream.kafkaStreams(), Tags.empty(), refresher, Duration.ofSeconds(REFRESH_SECONDS));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    kafka.bindTo(registry);
    counter(
        registry,
        "correlator.records.received",
        "Spans and kernel events taken from the topics",
        "records",
        x -> x.spans(),
        Tags.of("source", "kafka", "signal", "spans"));
    counter(
        registry,
        "correlator.records.received",
        "Spans and kernel events taken from the topics",
        "records",
        x -> x.events(),
        Tags.of("source", "kafka", "signal", "events"));
    counter(
        registry,
        "correlator.records.late",
        "Spans of traces already evaluated, dropped",
        "records",
        StreamStats::spansLate,
        Tags.of("signal", "spans"));
    counter(
        registry,
        "correlator.traces.evaluated",
        "Traces evaluated for slow hops",
        "traces",
        StreamStats::traces,
        Tags.empty());
    counter(
        registry,
        "correlator.hops.sent",
        "Slow hops sent to the partition of their host",
        "hops",
        StreamStats::hops,
        Tags.empty());
    counter(
        registry,
        "correlator.hops.parked",
        "Slow hops parked at their host's partition to wait for its events",
        "hops",
        StreamStats::hopsParked,
        Tags.empty());
    counter(
        registry,
        "correlator.hops.visited",
        "Visits of slow hops to another host than their own, for their peer's evidence",
        "hops",
        StreamStats::hopsVisited,
        Tags.empty());
    counter(
        registry,
        "correlator.events.stored",
        "Kernel events put into their host's window store",
        "events",
        StreamStats::eventsStored,
        Tags.empty());
    for (IsolationLayer layer : IsolationLayer.values()) {
      String code = layer.code();
      counter(
          registry,
          "correlator.findings",
          "Findings published, by the isolation layer of their verdict",
          "findings",
          x -> x.findingsByLayer().getOrDefault(code, 0L),
          Tags.of("layer", code));
    }
    for (String reason : IngestMetrics.REASONS) {
      counter(
          registry,
          "correlator.records.rejected",
          "Records rejected, by reason",
          "records",
          x -> x.rejectedByReason().getOrDefault(reason, 0L),
          Tags.of("reason", reason));
    }
    counter(
        registry,
        "correlator.records.rejected",
        "Records rejected, by reason",
        "records",
        StreamMetrics::otherRejections,
        Tags.of("reason", IngestMetrics.OTHER_REASON));
  }

  private static long otherRejections(StreamStats s) {
    long n = 0;
    for (Map.Entry<String, Long> e : s.rejectedByReason().entrySet()) {
      if (!IngestMetrics.REASONS.contains(e.getKey())) {
        n += e.getValue();
      }
    }
    return n;
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      String unit,
      ToLongFunction<StreamStats> value,
      Tags tags) {
    FunctionCounter.builder(name, stream, o -> value.applyAsLong(o.stats()))
        .description(description)
        .baseUnit(unit)
        .tags(tags)
        .register(registry);
  }

  /** Stops refreshing the Kafka meters. */
  @Override
  public void close() {
    kafka.close();
    refresher.shutdownNow();
  }
}
