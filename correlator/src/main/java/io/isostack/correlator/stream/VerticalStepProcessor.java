package io.isostack.correlator.stream;

import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.export.FindingLogRecords;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.join.Coverage;
import io.isostack.correlator.join.EntityKey;
import io.isostack.correlator.join.EventIndex;
import io.isostack.correlator.join.EventRouter;
import io.isostack.correlator.join.HostActivity;
import io.isostack.correlator.join.InterfaceDirectory;
import io.isostack.correlator.join.ProcessDirectory;
import io.isostack.correlator.join.SpanJoinKeys;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.verdict.VerticalStep;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * every tick (wall clock) handles the hops whose grace period is over.
 *
 * <p>A hop's grace period at a host is over when the host's newest event time has passed the span's
 * end by the event lateness (plus the skew): event time, so a replay whose events lag its spans
 * waits for them. Failing that, when the hop has waited the lateness (wall clock) and no event of
 * the host arrived for as long (the host has gone quiet), or at the latest after the trace timeout.
 *
 * <p>A hop visiting another host than its own ({@link HopRequest#route()}) takes with it what that
 * host has for it (the events its keys join there, the facts that resolve its peer's keys) and goes
 * on to its next host ({@link StepOutput.Onward}). At its own host, ready hops are correlated
 * together with the same {@link VerticalStep} as {@code analyze} and {@code serve}: one event index
 * over their windows (plus {@link #LOOKAHEAD_NANOS} for events that end after a window but began
 * inside it) and the events they brought, the directories taught by the host's facts and the facts
 * they brought, then by those events, the host's recent slow hops for host-wide evidence. Each
 * finding goes out as an OTLP logs request keyed by trace id ({@link StepOutput.Published}), and to
 * the listener. One instance per stream task, used by its thread only.
 */
final class VerticalStepProcessor implements Processor<String, HostRecord, String, StepOutput> {
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
  private final Map<String, Long> lastEventArrivalByHost = new HashMap<>();
  private final Map<String, ArrayDeque<SlowSpan>> recentHops = new HashMap<>();
  private ProcessorContext<String, StepOutput> context;
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
  public void init(ProcessorContext<String, StepOutput> context) {
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
    long now = context.currentSystemTimeMs() * 1_000_000L;
    if (record.value() instanceof HostRecord.Events batch) {
      long newest = batch.maxEndEpochNanos();
      events.put(host, batch.events(), Math.max(0, newest / 1_000_000L));
      newestEventByHost.merge(host, newest, Math::max);
      lastEventArrivalByHost.put(host, now);
      for (KernelEvent e : batch.events()) {
        stats.eventStored();
        String key = HostFacts.key(e);
        if (key != null && !HostFacts.same(facts.get(key), e)) {
          facts.put(key, e);
        }
      }
    } else if (record.value() instanceof HostRecord.Hop h) {
      HopRequest hop = h.hop();
      pending.put(
          host + '\u0000' + hop.span().traceId() + '\u0000' + hop.spanId(), hop.parked(now));
      stats.hopParked();
    }
  }

  /** Handles every parked hop whose grace period is over (a tick). */
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
    String defaultHost = analysis.defaultHost();
    for (Map.Entry<String, List<KeyValue<String, HopRequest>>> r : readyByHost.entrySet()) {
      String host = r.getKey();
      List<KeyValue<String, HopRequest>> visiting = new ArrayList<>();
      List<KeyValue<String, HopRequest>> home = new ArrayList<>();
      for (KeyValue<String, HopRequest> kv : r.getValue()) {
        boolean visit = !kv.value.route().isEmpty() && kv.value.route().get(0).equals(host);
        (visit ? visiting : home).add(kv);
      }
      if (!visiting.isEmpty()) {
        visit(host, visiting, defaultHost);
      }
      if (!home.isEmpty()) {
        correlate(host, home, now);
      }
      r.getValue().forEach(kv -> pending.delete(kv.key));
    }
  }

  private boolean ready(String host, HopRequest hop, long now) {
    Long newest = newestEventByHost.get(host);
    long end = hop.span().endEpochNanos();
    boolean eventsIn =
        newest != null && newest - live.eventLatenessNanos() >= end + analysis.skewNanos();
    long waited = now - hop.parkedEpochNanos();
    Long lastArrival = lastEventArrivalByHost.get(host);
    boolean quiet = lastArrival == null || now - lastArrival >= live.eventLatenessNanos();
    return eventsIn
        || (waited >= live.eventLatenessNanos() && quiet)
        || waited >= live.traceTimeoutNanos();
  }

  /** What one host holds for a set of windows: its directories, taught, and its event index. */
  private final class HostView {
    final ProcessDirectory processes = new ProcessDirectory();
    final InterfaceDirectory interfaces = new InterfaceDirectory();
    final Coverage coverage = new Coverage();
    final EventRouter router = new EventRouter(processes, interfaces, coverage);
    final EventIndex index = new EventIndex();
    final Map<String, List<KernelEvent>> lost = new HashMap<>();
    final List<KernelEvent> known = new ArrayList<>();

    HostView(String host, List<HopRequest> hops, long from, long to) {
      try (KeyValueIterator<String, KernelEvent> it =
          facts.prefixScan(HostFacts.prefix(host), KEYS)) {
        it.forEachRemaining(kv -> known.add(kv.value));
      }
      List<KernelEvent> taught = new ArrayList<>(known);
      for (HopRequest h : hops) {
        taught.addAll(h.peerFacts());
      }
      taught.sort(Comparator.comparingLong(KernelEvent::endEpochNanos));
      taught.forEach(router::learn);
      try (WindowStoreIterator<List<KernelEvent>> it =
          events.fetch(
              host,
              Math.max(0, from / 1_000_000L - 1),
              (to + LOOKAHEAD_NANOS + HostRecord.MAX_BATCH_SPAN_NANOS) / 1_000_000L + 1)) {
        while (it.hasNext()) {
          it.next().value.forEach(this::add);
        }
      }
      for (HopRequest h : hops) {
        h.peerEvents().forEach(this::add);
      }
      index.seal();
    }

    private void add(KernelEvent e) {
      if (e.name() == EventName.PRODUCER_LOST) {
        lost.computeIfAbsent(e.host(), k -> new ArrayList<>()).add(e);
      } else if (router.learn(e) && rules.covers(e.name())) {
        router.index(e, index);
      }
    }
  }

  /**
   * At a host the hops visit: gathers for each what its join keys, resolved with this host's
   * directories, join here in its window, and this host's facts about the adjacent spans' processes
   * and its devices; sends it on.
   */
  private void visit(String host, List<KeyValue<String, HopRequest>> ready, String defaultHost) {
    List<HopRequest> hops = new ArrayList<>();
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (KeyValue<String, HopRequest> kv : ready) {
      hops.add(kv.value);
      from = Math.min(from, kv.value.span().startEpochNanos() - analysis.skewNanos());
      to = Math.max(to, kv.value.span().endEpochNanos() + analysis.skewNanos());
    }
    HostView view = new HostView(host, List.of(), from, to);
    for (HopRequest hop : hops) {
      SlowSpan slow = hop.toSlowSpan();
      SpanView span = slow.span();
      SpanJoinKeys keys = SpanJoinKeys.resolve(slow.trace(), span, defaultHost, view.processes);
      long a = span.startEpochNanos() - analysis.skewNanos();
      long b = span.endEpochNanos() + analysis.skewNanos();
      Set<KernelEvent> joined = Collections.newSetFromMap(new IdentityHashMap<>());
      List<KernelEvent> gathered = new ArrayList<>();
      List<EntityKey> all = new ArrayList<>(keys.keys());
      all.addAll(keys.peerKeys());
      for (EntityKey k : all) {
        view.index.query(
            k,
            a,
            b,
            e -> {
              if (host.equals(e.host()) && joined.add(e)) {
                gathered.add(e);
              }
            });
      }
      HopRequest next =
          hop.visited(
              gathered, HostFacts.forVisit(host, slow.trace(), span, defaultHost, view.known));
      String to2 = next.nextHost(defaultHost);
      context.forward(
          new Record<>(
              to2,
              (StepOutput) new StepOutput.Onward(new HostRecord.Hop(next)),
              Math.max(0, span.endEpochNanos() / 1_000_000L)));
      stats.hopVisited();
    }
  }

  private void correlate(String host, List<KeyValue<String, HopRequest>> ready, long now) {
    List<SlowSpan> hops = new ArrayList<>(ready.size());
    List<HopRequest> requests = new ArrayList<>(ready.size());
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (KeyValue<String, HopRequest> kv : ready) {
      SlowSpan hop = kv.value.toSlowSpan();
      hops.add(hop);
      requests.add(kv.value);
      from = Math.min(from, hop.span().startEpochNanos() - analysis.skewNanos());
      to = Math.max(to, hop.span().endEpochNanos() + analysis.skewNanos());
    }
    HostView view = new HostView(host, requests, from, to);
    ArrayDeque<SlowSpan> recent = recentHops.computeIfAbsent(host, k -> new ArrayDeque<>());
    recent.addAll(hops);
    long horizon = to - live.retentionNanos();
    while (!recent.isEmpty() && recent.peekFirst().span().endEpochNanos() < horizon) {
      recent.pollFirst();
    }
    HostActivity activity = new HostActivity(List.copyOf(recent), analysis.defaultHost());
    VerticalStep step =
        new VerticalStep(
            rules,
            analysis.vertical(),
            view.index,
            view.processes,
            view.interfaces,
            view.coverage,
            activity,
            view.lost);
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
            (StepOutput) new StepOutput.Published(value),
            Math.max(0, finding.span().endEpochNanos() / 1_000_000L)));
    stats.finding(finding.layer().code());
    try {
      listener.accept(f);
    } catch (RuntimeException e) {
      LOG.warn("a finding listener failed; the finding is on the findings topic", e);
    }
  }
}
