package io.isostack.correlator.stream;

import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.KernelEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The topology of {@code correlator stream}: the method in two stages, because trace assembly needs
 * all spans of a trace together and the vertical step all kernel events of a host.
 *
 * <pre>
 * spans topic (by trace id) ── assemble-traces [traces] ──┐ slow hops by host.name
 *                                                         ├─ by-host repartition ── vertical-step
 * event topics ────────────── decode-events [clock-offsets]┘ events by host.name       [host-events,
 *                                                                                        host-facts,
 * findings topic (by trace id, OTLP logs) ◀──────────────────────────────────────────── pending-hops]
 * </pre>
 *
 * <p>{@code host-events} holds batches of events (one per input message and host, keyed by the
 * batch's latest end time). Every store is backed by a changelog topic, so a task moved to another
 * instance resumes with its traces, events and parked hops; with {@code exactly_once_v2} a finding
 * is published once. Internal topics are named {@code <application.id>-by-host-repartition} and
 * {@code <application.id>-<store>-changelog}.
 */
public final class CorrelatorTopology {
  /** Traces being assembled, by trace id. */
  public static final String TRACES = "traces";

  /** Clock offsets learned from {@code clock.sync} records, by host and clock. */
  public static final String CLOCK_OFFSETS = "clock-offsets";

  /** Each host's kernel events, by end time, kept for the retention. */
  public static final String HOST_EVENTS = "host-events";

  /** What each host's events teach the process and interface directories. */
  public static final String HOST_FACTS = "host-facts";

  /** Slow hops waiting for their grace period, by host, trace and span id. */
  public static final String PENDING_HOPS = "pending-hops";

  /**
   * The name of the repartition step: its topic is {@code <application.id>-by-host-repartition}.
   */
  public static final String BY_HOST = "by-host";

  private static final WireSerde<KernelEvent> EVENTS = new WireSerde<>(new EventCodec());
  private static final WireSerde<List<KernelEvent>> BATCHES = new WireSerde<>(new BatchCodec());

  private CorrelatorTopology() {}

  /**
   * Builds the topology.
   *
   * @param settings topics and tunables
   * @param rules the rule table
   * @param stats counters to update
   * @param listener receives each finding after it is forwarded to the findings topic, on the
   *     stream thread; it must not block for long (a failing listener is logged, not fatal)
   */
  public static Topology build(
      StreamSettings settings, RuleTable rules, StreamStats stats, Consumer<LiveFinding> listener) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(stats, "stats");
    Objects.requireNonNull(listener, "listener");
    StreamsBuilder b = new StreamsBuilder();
    boolean disk = settings.persistentStores();
    b.addStateStore(
        Stores.keyValueStoreBuilder(kv(TRACES, disk), Serdes.String(), TraceBuffer.SERDE));
    b.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(CLOCK_OFFSETS), Serdes.String(), Serdes.Long()));
    Duration retention = Duration.ofNanos(settings.live().retentionNanos());
    b.addStateStore(
        Stores.windowStoreBuilder(
            disk
                ? Stores.persistentWindowStore(HOST_EVENTS, retention, Duration.ofMillis(1), true)
                : Stores.inMemoryWindowStore(HOST_EVENTS, retention, Duration.ofMillis(1), true),
            Serdes.String(),
            BATCHES));
    b.addStateStore(Stores.keyValueStoreBuilder(kv(HOST_FACTS, disk), Serdes.String(), EVENTS));
    b.addStateStore(
        Stores.keyValueStoreBuilder(kv(PENDING_HOPS, disk), Serdes.String(), HopRequest.SERDE));

    String host = settings.live().analysis().defaultHost();
    KStream<String, HostRecord> hops =
        b.stream(
                settings.spansTopic(),
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("spans"))
            .process(
                () -> new TraceAssemblyProcessor(settings.live(), settings.tickNanos(), stats),
                Named.as("assemble-traces"),
                TRACES);
    KStream<String, HostRecord> events =
        b.stream(
                settings.eventTopics(),
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("events"))
            .process(
                () -> new EventDecodeProcessor(host, stats),
                Named.as("decode-events"),
                CLOCK_OFFSETS);
    KStream<String, HostRecord> visited =
        b.stream(
            settings.peerHopsTopic(),
            Consumed.with(Serdes.String(), HostRecord.SERDE).withName("peer-hops-in"));
    Map<String, KStream<String, StepOutput>> out =
        hops.merge(events, Named.as("hops-and-events"))
            .merge(visited, Named.as("and-visited-hops"))
            .repartition(Repartitioned.with(Serdes.String(), HostRecord.SERDE).withName(BY_HOST))
            .process(
                () ->
                    new VerticalStepProcessor(
                        rules, settings.live(), settings.tickNanos(), stats, listener),
                Named.as("vertical-step"),
                HOST_EVENTS,
                HOST_FACTS,
                PENDING_HOPS)
            .split(Named.as("vertical-"))
            .branch((k, v) -> v instanceof StepOutput.Published, Branched.as("findings"))
            .defaultBranch(Branched.as("onward"));
    out.get("vertical-findings")
        .mapValues(v -> ((StepOutput.Published) v).otlpLogs(), Named.as("finding-bytes"))
        .to(
            settings.findingsTopic(),
            Produced.with(Serdes.String(), Serdes.ByteArray()).withName("findings"));
    out.get("vertical-onward")
        .mapValues(v -> (HostRecord) ((StepOutput.Onward) v).hop(), Named.as("onward-hops"))
        .to(
            settings.peerHopsTopic(),
            Produced.with(Serdes.String(), HostRecord.SERDE).withName("peer-hops-out"));
    return b.build();
  }

  private static KeyValueBytesStoreSupplier kv(String name, boolean disk) {
    return disk ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
  }

  /** Batches of one host's kernel events in the window store: {@link Wire#events}. */
  private static final class BatchCodec implements WireSerde.Codec<List<KernelEvent>> {
    @Override
    public void write(java.io.DataOutput out, List<KernelEvent> batch) throws java.io.IOException {
      Wire.events(out, batch);
    }

    @Override
    public List<KernelEvent> read(java.io.DataInput in) throws java.io.IOException {
      return Wire.events(in);
    }
  }

  /** Kernel events in the stores: {@link Wire#event}. */
  private static final class EventCodec implements WireSerde.Codec<KernelEvent> {
    @Override
    public void write(java.io.DataOutput out, KernelEvent e) throws java.io.IOException {
      Wire.event(out, e);
    }

    @Override
    public KernelEvent read(java.io.DataInput in) throws java.io.IOException {
      return Wire.event(in);
    }
  }
}
