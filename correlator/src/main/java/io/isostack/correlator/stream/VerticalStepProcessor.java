package io.isostack.correlator.stream;

import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.export.FindingLogRecords;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.join.Coverage;
import io.isostack.correlator.join.EventIndex;
import io.isostack.correlator.join.EventRouter;
import io.isostack.correlator.join.HostActivity;
import io.isostack.correlator.join.InterfaceDirectory;
import io.isostack.correlator.join.ProcessDirectory;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.verdict.VerticalStep;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2, the vertical step, per partition of the by-host topic: keeps each host's kernel events
 * in the {@code host-events} window store (in batches, by their latest end time, for the retention)
 * and what they teach in {@code host-facts}, parks each slow hop in {@code pending-hops}, and on
 * every tick (wall clock) correlates the hops whose grace period is over with the same {@link
 * VerticalStep} as {@code analyze} and {@code serve}.
 *
 * <p>A hop is ready when its host's newest event time has passed the span's end by the event
 * lateness (plus the skew), or when the lateness has passed since its trace completed. Ready hops
 * of one host are correlated together: one event index over their windows (plus {@link
 * #LOOKAHEAD_NANOS} for events that end after a window but began inside it), the directories taught
 * by the host's facts and then by those events, the host's recent slow hops for host-wide evidence.
 * Each finding goes out as an OTLP logs request keyed by trace id, and to the listener. One
 * instance per stream task, used by its thread only.
 */
final class VerticalStepProcessor implements Processor<String, HostRecord, String, byte[]> {
  /** How long after a slow hop's window an event may end and still be fetched for it: 30 s. */
  static final long LOOKAHEAD_NANOS = 30_000_000_000L;

  private static final Logger LOG = LoggerFactory.getLogger(VerticalStepProcessor.class);
  private static final StringSerializer KEYS = new StringSerializer();

  private final RuleTable rules;
  private final LiveSettings live;
  private final AnalyzerSettings analysis;
  private final long tickNanos;
  private final StreamStats stats;
  private final Consumer<LiveFinding> listener;
  private final Map<String, Long> newestEventByHost = new HashMap<>();
  private final Map<String, ArrayDeque<SlowSpan>> recentHops = new HashMap<>();
  private ProcessorContext<String, byte[]> context;
  private WindowStore<String, List<KernelEvent>> events;
  private KeyValueStore<String, KernelEvent> facts;
  private KeyValueStore<String, HopRequest> pending;

  VerticalStepProcessor(
      RuleTable rules,
      LiveSettings live,
      long tickNanos,
      StreamStats stats,
      Consumer<LiveFinding> listener) {
    this.rules = rules;
    this.live = live;
    this.analysis = live.analysis();
    this.tickNanos = tickNanos;
    this.stats = stats;
    this.listener = listener;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.events = context.getStateStore(CorrelatorTopology.HOST_EVENTS);
    this.facts = context.getStateStore(CorrelatorTopology.HOST_FACTS);
    this.pending = context.getStateStore(CorrelatorTopology.PENDING_HOPS);
    context.schedule(
        Duration.ofNanos(tickNanos),
        PunctuationType.WALL_CLOCK_TIME,
        ms -> evaluateReady(ms * 1_000_000L));
  }

  @Override
  public void process(Record<String, HostRecord> record) {
    String host = record.key();
    if (record.value() instanceof HostRecord.Events batch) {
      long newest = batch.maxEndEpochNanos();
      events.put(host, batch.events(), Math.max(0, newest / 1_000_000L));
      newestEventByHost.merge(host, newest, Math::max);
      for (KernelEvent e : batch.events()) {
        stats.eventStored();
        String key = HostFacts.key(e);
        if (key != null && !HostFacts.same(facts.get(key), e)) {
          facts.put(key, e);
        }
      }
    } else if (record.value() instanceof HostRecord.Hop h) {
      HopRequest hop = h.hop();
      pending.put(host + '\u0000' + hop.span().traceId() + '\u0000' + hop.spanId(), hop);
      stats.hopParked();
    }
  }

  /** Correlates every parked hop whose grace period is over (a tick). */
  void evaluateReady(long now) {
    Map<String, List<KeyValue<String, HopRequest>>> readyByHost = new LinkedHashMap<>();
    try (KeyValueIterator<String, HopRequest> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, HopRequest> kv = it.next();
        String host = kv.key.substring(0, kv.key.indexOf('\u0000'));
        if (ready(host, kv.value, now)) {
          readyByHost.computeIfAbsent(host, k -> new ArrayList<>()).add(kv);
        }
      }
    }
    for (Map.Entry<String, List<KeyValue<String, HopRequest>>> r : readyByHost.entrySet()) {
      correlate(r.getKey(), r.getValue(), now);
      r.getValue().forEach(kv -> pending.delete(kv.key));
    }
  }

  private boolean ready(String host, HopRequest hop, long now) {
    Long newest = newestEventByHost.get(host);
    long end = hop.span().endEpochNanos();
    boolean eventsIn =
        newest != null && newest - live.eventLatenessNanos() >= end + analysis.skewNanos();
    return eventsIn || now >= hop.completedEpochNanos() + live.eventLatenessNanos();
  }

  private void correlate(String host, List<KeyValue<String, HopRequest>> ready, long now) {
    List<SlowSpan> hops = new ArrayList<>(ready.size());
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (KeyValue<String, HopRequest> kv : ready) {
      SlowSpan hop = kv.value.toSlowSpan();
      hops.add(hop);
      from = Math.min(from, hop.span().startEpochNanos() - analysis.skewNanos());
      to = Math.max(to, hop.span().endEpochNanos() + analysis.skewNanos());
    }
    ProcessDirectory processes = new ProcessDirectory();
    InterfaceDirectory interfaces = new InterfaceDirectory();
    Coverage coverage = new Coverage();
    EventRouter router = new EventRouter(processes, interfaces, coverage);
    List<KernelEvent> known = new ArrayList<>();
    try (KeyValueIterator<String, KernelEvent> it =
        facts.prefixScan(HostFacts.prefix(host), KEYS)) {
      it.forEachRemaining(kv -> known.add(kv.value));
    }
    known.sort(Comparator.comparingLong(KernelEvent::endEpochNanos));
    known.forEach(router::learn);
    EventIndex index = new EventIndex();
    Map<String, List<KernelEvent>> lost = new HashMap<>();
    try (WindowStoreIterator<List<KernelEvent>> it =
        events.fetch(
            host,
            Math.max(0, from / 1_000_000L - 1),
            (to + LOOKAHEAD_NANOS + HostRecord.MAX_BATCH_SPAN_NANOS) / 1_000_000L + 1)) {
      while (it.hasNext()) {
        for (KernelEvent e : it.next().value) {
          if (e.name() == EventName.PRODUCER_LOST) {
            lost.computeIfAbsent(e.host(), k -> new ArrayList<>()).add(e);
          } else if (router.learn(e) && rules.covers(e.name())) {
            router.index(e, index);
          }
        }
      }
    }
    index.seal();
    ArrayDeque<SlowSpan> recent = recentHops.computeIfAbsent(host, k -> new ArrayDeque<>());
    recent.addAll(hops);
    long horizon = to - live.retentionNanos();
    while (!recent.isEmpty() && recent.peekFirst().span().endEpochNanos() < horizon) {
      recent.pollFirst();
    }
    HostActivity activity = new HostActivity(List.copyOf(recent), analysis.defaultHost());
    VerticalStep step =
        new VerticalStep(
            rules, analysis.vertical(), index, processes, interfaces, coverage, activity, lost);
    for (int i = 0; i < hops.size(); i++) {
      Finding f = step.correlate(hops.get(i));
      publish(new LiveFinding(f, ready.get(i).value.completedEpochNanos(), now));
    }
  }

  private void publish(LiveFinding f) {
    Finding finding = f.finding();
    byte[] value = FindingLogRecords.request(finding, f.publishedEpochNanos()).toByteArray();
    context.forward(
        new Record<>(
            finding.span().traceId(),
            value,
            Math.max(0, finding.span().endEpochNanos() / 1_000_000L)));
    stats.finding(finding.layer().code());
    try {
      listener.accept(f);
    } catch (RuntimeException e) {
      LOG.warn("a finding listener failed; the finding is on the findings topic", e);
    }
  }
}
