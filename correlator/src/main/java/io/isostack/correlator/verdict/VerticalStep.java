package io.isostack.correlator.verdict;

import io.isostack.correlator.detect.Intervals;
import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.join.CgroupNames;
import io.isostack.correlator.join.Coverage;
import io.isostack.correlator.join.DeviceKind;
import io.isostack.correlator.join.EntityKey;
import io.isostack.correlator.join.EventIndex;
import io.isostack.correlator.join.EventSource;
import io.isostack.correlator.join.HostActivity;
import io.isostack.correlator.join.InterfaceDirectory;
import io.isostack.correlator.join.ProcessDirectory;
import io.isostack.correlator.join.SpanJoinKeys;
import io.isostack.correlator.rules.Rule;
import io.isostack.correlator.rules.RuleContext;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.rules.Weight;
import io.isostack.model.EventName;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The vertical step for one slow hop: gathers the kernel events joined to its entity within its
 * window, classifies them with the rule table, scores the candidate causes by the self time their
 * evidence explains and returns the finding.
 *
 * <p>Scoring: a candidate explains the overlap of the union of its interval evidence with the
 * span's self time, plus spread sampler time and fixed weights for instant events, capped at the
 * self time. The top candidate is the verdict when it explains at least {@link
 * VerticalStepSettings#minExplainedFraction()} of the self time; otherwise the verdict is {@code
 * application}. Confidence is the explained fraction, raised when several signals agree, lowered
 * when a producer lost events near the span or the network device is unknown. Not thread-safe.
 */
public final class VerticalStep {
  /** The drill-down order of docs/METHOD.md §4: L-3, L-4, L-2, L-1, L-0, host. */
  static final List<IsolationLayer> DRILL_ORDER =
      List.of(
          IsolationLayer.L3,
          IsolationLayer.L4,
          IsolationLayer.L2,
          IsolationLayer.L1,
          IsolationLayer.L0,
          IsolationLayer.HOST);

  private static final long LOST_MARGIN_NANOS = 1_000_000_000L;

  /**
   * The {@code lostByHost} key of losses that concern every host: events the live window shed
   * before their retention because memory was short (issue 10), whatever host sent them.
   */
  public static final String EVERY_HOST = "*";

  private final RuleTable rules;
  private final VerticalStepSettings options;
  private final EventSource index;
  private final ProcessDirectory processes;
  private final InterfaceDirectory interfaces;
  private final Coverage coverage;
  private final HostActivity activity;
  private final Map<String, List<KernelEvent>> lostByHost;
  private final ToIntFunction<Rule> ruleOrder;

  /**
   * Creates the step over one analysis's state.
   *
   * @param rules the rule table
   * @param options the tunables
   * @param index the kernel events, by entity key and time
   * @param processes what is known of processes and cgroups
   * @param interfaces network devices and their kinds
   * @param coverage what was watched on each host, and which cgroups have a CPU limit
   * @param activity the slow spans by host, for host-wide evidence
   * @param lostByHost {@code producer.lost} events by host; those under {@link #EVERY_HOST} stand
   *     for events lost on every host (the live window shed them when memory was short)
   */
  public VerticalStep(
      RuleTable rules,
      VerticalStepSettings options,
      EventSource index,
      ProcessDirectory processes,
      InterfaceDirectory interfaces,
      Coverage coverage,
      HostActivity activity,
      Map<String, List<KernelEvent>> lostByHost) {
    this.rules = rules;
    this.options = options;
    this.index = index;
    this.processes = processes;
    this.interfaces = interfaces;
    this.coverage = coverage;
    this.activity = activity;
    this.lostByHost = lostByHost;
    Map<String, Integer> order = new HashMap<>();
    for (Rule r : rules.rules()) {
      order.put(r.id(), order.size());
    }
    this.ruleOrder = r -> order.getOrDefault(r.id(), Integer.MAX_VALUE);
  }

  /** The finding for one slow span. */
  public Finding correlate(SlowSpan hop) {
    SpanView span = hop.span();
    SpanJoinKeys entity = SpanJoinKeys.resolve(hop.trace(), span, options.defaultHost(), processes);
    long from = span.startEpochNanos() - options.skewNanos();
    long to = span.endEpochNanos() + options.skewNanos();
    Map<KernelEvent, String> joined = gather(entity, from, to);

    List<String> notes = new ArrayList<>();
    RuleContext context = context(entity, joined, false, span, to);
    // The peer's sandbox and CPU quota are not the span's own: each side's events are classified
    // in the context of their own side.
    RuleContext peerContext = context(entity, joined, true, span, to);
    boolean hostWide =
        activity.count(
                entity.host(),
                span.startEpochNanos() - options.hostWideWindowNanos(),
                span.endEpochNanos() + options.hostWideWindowNanos())
            >= options.hostWideMinHops();

    Intervals self = hop.self();
    List<Matched> matched = new ArrayList<>();
    for (Map.Entry<KernelEvent, String> j : joined.entrySet()) {
      RuleContext side = isPeer(j.getValue()) ? peerContext : context;
      Rule rule = rules.match(j.getKey(), side);
      if (rule != null && admissible(rule, j.getValue(), entity, hostWide)) {
        matched.add(new Matched(j.getKey(), j.getValue(), rule, side));
      }
    }
    Map<KernelEvent, Long> waitStarts = backoffWaits(matched);
    Map<String, Candidate> candidates = new LinkedHashMap<>();
    boolean unknownDeviceUsed = false;
    for (Matched m : matched) {
      KernelEvent e = m.event;
      Rule rule = m.rule;
      long start = waitStarts.getOrDefault(e, e.startEpochNanos());
      long contribution = contribution(rule, e, start, self);
      if (contribution < 0) {
        continue;
      }
      IsolationLayer layer = rule.layerFor(m.context);
      unknownDeviceUsed |= rule.layer() == null && m.context.deviceKind() == DeviceKind.UNKNOWN;
      String key = layer.code() + '|' + rule.network() + '|' + rule.cause();
      Candidate c =
          candidates.computeIfAbsent(
              key, k -> new Candidate(layer, rule.network(), rule.cause(), rule, ruleOrder));
      switch (rule.weight()) {
        case INTERVAL -> {
          if (isSpread(e)) {
            c.addSpread(contribution);
          } else {
            c.addInterval(Math.max(e.startEpochNanos(), from), Math.min(e.endEpochNanos(), to));
          }
        }
        case BACKOFF -> c.addInterval(Math.max(start, from), Math.min(e.endEpochNanos(), to));
        case INSTANT, LOG -> c.addInstant(contribution);
        case NONE -> {}
      }
      c.add(
          new Evidence(
              e,
              m.join.startsWith("peer") ? "peer " + entityLabel(e) : entityLabel(e),
              m.join,
              layer,
              rule.network(),
              rule.cause(),
              rule.causeTitle(),
              rule.id(),
              contribution),
          rule);
    }
    if (unknownDeviceUsed) {
      notes.add("the device of this hop's socket is unknown: its network slice is taken as L-3");
    }
    for (Candidate c : candidates.values()) {
      c.finish(self);
    }
    if (hostWide && candidates.values().stream().anyMatch(c -> c.layer == IsolationLayer.HOST)) {
      notes.add(
          "many hops on host " + entity.host() + " are slow at once: host-wide evidence joined");
    }
    Observed observed =
        new Observed(coverage.of(entity.host(), from, to), isWireTime(hop), entity.host());
    return FindingBuilder.build(
        hop,
        candidates.values(),
        context,
        notes,
        lost(entity, from, to),
        observed,
        options,
        DRILL_ORDER);
  }

  private Map<KernelEvent, String> gather(SpanJoinKeys entity, long from, long to) {
    Map<KernelEvent, String> joined = new JoinedEvents();
    for (EntityKey key : entity.keys()) {
      query(key, joinName(key), entity, from, to, joined);
    }
    for (EntityKey key : entity.peerKeys()) {
      query(key, "peer " + joinName(key), entity, from, to, joined);
    }
    index.query(EntityKey.host(entity.host()), from, to, e -> joined.putIfAbsent(e, "host"));
    keepSpanThread(entity, joined);
    return joined;
  }

  private void query(
      EntityKey key,
      String join,
      SpanJoinKeys entity,
      long from,
      long to,
      Map<KernelEvent, String> joined) {
    boolean endpoint = key.kind() == EntityKey.Kind.ENDPOINT;
    boolean process = key.kind() == EntityKey.Kind.PROCESS;
    index.query(
        key,
        from,
        to,
        e -> {
          if (endpoint && !e.host().equals(entity.host())) {
            return;
          }
          // A pid that changed identity between the span and the event is not the span's process.
          if (process && processes.identityChangedBetween(key, from, e.endEpochNanos())) {
            return;
          }
          joined.putIfAbsent(e, join);
        });
  }

  private static String joinName(EntityKey key) {
    return key.kind().name().toLowerCase(Locale.ROOT).replace("_id", "");
  }

  /**
   * When the span names its thread and that thread's scheduler events are among the joined ones,
   * drops the scheduler events of the process's other threads: a GC or timer thread waiting for a
   * CPU does not delay this request. Without a match every thread is kept.
   */
  private static void keepSpanThread(SpanJoinKeys entity, Map<KernelEvent, String> joined) {
    if (entity.threadComm() == null) {
      return;
    }
    boolean seen = false;
    for (Map.Entry<KernelEvent, String> j : joined.entrySet()) {
      if (isThreadEvent(j.getKey(), j.getValue())
          && entity.threadComm().equals(j.getKey().comm())) {
        seen = true;
        break;
      }
    }
    if (seen) {
      joined
          .entrySet()
          .removeIf(
              j ->
                  isThreadEvent(j.getKey(), j.getValue())
                      && !entity.threadComm().equals(j.getKey().comm()));
    }
  }

  private static boolean isThreadEvent(KernelEvent e, String join) {
    return !join.startsWith("peer")
        && (e.name() == EventName.SCHED_RUNQ_LATENCY || e.name() == EventName.SCHED_OFFCPU);
  }

  /**
   * Whether the span's self time is wire time: a client span whose server-side child is traced, so
   * that what the child does not cover was spent on the wire or in the peer's kernel
   * (docs/METHOD.md §4 step 1).
   */
  private static boolean isWireTime(SlowSpan hop) {
    SpanView span = hop.span();
    if (span.kind() != SpanKind.CLIENT) {
      return false;
    }
    for (SpanView child : hop.trace().children(span)) {
      if (child.kind() == SpanKind.SERVER) {
        return true;
      }
    }
    return false;
  }

  private static boolean isPeer(String join) {
    return join.startsWith("peer");
  }

  /**
   * The context of one side of the hop: the span's own entity, or the peer it called. Sandbox, CPU
   * quota and CPU limit come from that side's events and keys (the limit as it was over the window
   * {@code from}..{@code to}, epoch ns); the device and the virtqueue evidence are the same for
   * both.
   */
  private RuleContext context(
      SpanJoinKeys entity, Map<KernelEvent, String> joined, boolean peer, SpanView span, long to) {
    boolean sandbox = !peer && entity.sandbox();
    boolean cpuQuota = false;
    Map<DeviceKind, Integer> dropDevices = new HashMap<>();
    DeviceKind socketDevice = null;
    for (Map.Entry<KernelEvent, String> j : joined.entrySet()) {
      KernelEvent e = j.getKey();
      boolean direct = !"host".equals(j.getValue());
      boolean ownSide = direct && isPeer(j.getValue()) == peer;
      if (ownSide && SpanJoinKeys.isSandbox(e.comm())) {
        sandbox = true;
      }
      if (ownSide && e.name() == EventName.CPU_THROTTLED) {
        cpuQuota = true;
      }
      if (e.dev() != null
          && (e.name() == EventName.NET_QUEUE_FULL
              || e.name() == EventName.NET_XDP_DROP
              || e.name() == EventName.NET_DROP)) {
        DeviceKind k = interfaces.kind(e.host(), e.dev());
        if (k != DeviceKind.UNKNOWN) {
          dropDevices.merge(k, 1, Integer::sum);
        }
      }
      if (direct && e.flow() != null && socketDevice == null) {
        String dev =
            e.dev() != null ? e.dev() : interfaces.deviceOf(e.host(), e.flow().local().address());
        if (dev != null) {
          socketDevice = interfaces.kind(e.host(), dev);
        }
      }
    }
    if (socketDevice == null && entity.localAddress() != null) {
      String dev = interfaces.deviceOf(entity.host(), entity.localAddress());
      if (dev != null) {
        socketDevice = interfaces.kind(entity.host(), dev);
      }
    }
    DeviceKind device =
        dropDevices.entrySet().stream()
            .max(Map.Entry.comparingByValue())
            .map(Map.Entry::getKey)
            .orElse(
                socketDevice != null
                    ? socketDevice
                    : sandbox ? DeviceKind.SANDBOX_NETSTACK : DeviceKind.UNKNOWN);
    boolean cpuLimit = coverage.cpuLimited(peer ? entity.peerKeys() : entity.keys(), to);
    return new RuleContext(
        sandbox,
        cpuQuota,
        cpuLimit,
        device,
        VirtqueueEvidence.of(joined.keySet()).during(span.startEpochNanos(), span.endEpochNanos()));
  }

  private boolean admissible(Rule rule, String join, SpanJoinKeys entity, boolean hostWide) {
    if (!"host".equals(join) || rule.weight() == Weight.LOG) {
      return true; // the hop's own events, and log lines of its host in its window
    }
    return switch (rule.join()) {
      case ENTITY -> false;
      case HOST -> hostWide;
      case HOST_NETWORK -> entity.networked() || hostWide;
      case VM -> true;
    };
  }

  /**
   * Self time explained by one event, or -1 when the event lies outside the self time.
   *
   * @param start where the event's wait starts: its own start, or for {@link Weight#BACKOFF} the
   *     previous event of its 5-tuple
   */
  private long contribution(Rule rule, KernelEvent e, long start, Intervals self) {
    return switch (rule.weight()) {
      case INTERVAL -> {
        long overlap;
        if (isSpread(e)) {
          // cgroup v1 throttled_time sums the throttled time of every CPU's run queue
          // (Documentation/scheduler/sched-bwc.rst), and a histogram's waits add up: either can
          // exceed the wall-clock interval, and at most the whole interval is lost.
          long interval = samplingIntervalNanos(e);
          long windowOverlap = self.overlap(e.endEpochNanos() - interval, e.endEpochNanos());
          long stalled = Math.min(stallNanos(e), interval);
          overlap = Math.round((double) stalled * windowOverlap / interval);
          yield windowOverlap > 0 ? overlap : -1;
        }
        overlap = self.overlap(e.startEpochNanos(), e.endEpochNanos());
        yield overlap > 0 ? overlap : -1;
      }
      case BACKOFF -> {
        long overlap = self.overlap(start, e.endEpochNanos());
        yield overlap > 0 ? overlap : -1;
      }
      case INSTANT, LOG ->
          self.near(e.endEpochNanos(), options.skewNanos()) ? rule.instantNanos() : -1;
      case NONE -> {
        // A sampler's event stands for its whole window, as in the rule context (e.g. the
        // virtqueue windows of VirtqueueEvidence): the event that made a context true is evidence.
        long interval = samplingIntervalNanos(e);
        long from = interval > 0 ? e.endEpochNanos() - interval : e.startEpochNanos();
        yield self.near(e.endEpochNanos(), options.skewNanos())
                || self.overlap(from, e.endEpochNanos()) > 0
            ? 0
            : -1;
      }
    };
  }

  private record Matched(KernelEvent event, String join, Rule rule, RuleContext context) {}

  /**
   * What one series of retried operations is: a connection for retransmits, a thread and syscall
   * for denied syscalls that the application retries.
   */
  private static String seriesKey(KernelEvent e) {
    if (e.flow() != null) {
      return e.flow().canonical().toString();
    }
    return e.pid() + "/" + e.tid() + "/" + e.attr("syscall");
  }

  /**
   * For {@link Weight#BACKOFF} events: where each one's wait starts. Events of one rule and one
   * series (a 5-tuple, or a thread's syscall) are taken in time order; a wait starts at the
   * previous event when it is at most {@code backoffMaxNanos} earlier, else {@code instantNanos}
   * before the event.
   */
  private static Map<KernelEvent, Long> backoffWaits(List<Matched> matched) {
    Map<String, List<KernelEvent>> series = new HashMap<>();
    Map<String, Rule> ruleOf = new HashMap<>();
    for (Matched m : matched) {
      if (m.rule.weight() == Weight.BACKOFF) {
        String key = m.rule.id() + '|' + seriesKey(m.event);
        series.computeIfAbsent(key, k -> new ArrayList<>()).add(m.event);
        ruleOf.put(key, m.rule);
      }
    }
    Map<KernelEvent, Long> starts = new IdentityHashMap<>();
    for (Map.Entry<String, List<KernelEvent>> s : series.entrySet()) {
      Rule rule = ruleOf.get(s.getKey());
      List<KernelEvent> events = s.getValue();
      events.sort(Comparator.comparingLong(KernelEvent::endEpochNanos));
      long previous = Long.MIN_VALUE;
      for (KernelEvent e : events) {
        long t = e.endEpochNanos();
        boolean backoff = previous != Long.MIN_VALUE && t - previous <= rule.backoffMaxNanos();
        starts.put(e, backoff ? previous : t - rule.instantNanos());
        previous = t;
      }
    }
    return starts;
  }

  /**
   * A sampled event: {@code dur_ns} of stall somewhere in the {@code attrs.interval_ns} before it.
   */
  static boolean isSpread(KernelEvent e) {
    return samplingIntervalNanos(e) > 0;
  }

  /**
   * The interval a sampled or coarse event's stall lies somewhere in, ending at its time: a
   * sampler's {@code attrs.interval_ns}, or the timestamp resolution of a tool that prints whole
   * seconds ({@code attrs.time_resolution_ns}, libbpf-tools); 0 for a precisely timed event.
   */
  static long samplingIntervalNanos(KernelEvent e) {
    return EventIndex.samplingIntervalNanos(e);
  }

  /**
   * The stall a spread event stands for: {@code dur_ns}, times the count for a histogram bucket
   * ({@code attrs.histogram}: {@code value} waits of at most {@code dur_ns} each).
   */
  private static long stallNanos(KernelEvent e) {
    if ("true".equals(e.attr("histogram")) && !Double.isNaN(e.value())) {
      return Math.round(e.durNanos() * e.value());
    }
    return e.durNanos();
  }

  private long lost(SpanJoinKeys entity, long from, long to) {
    return lost(lostByHost.getOrDefault(entity.host(), List.of()), from, to)
        + lost(lostByHost.getOrDefault(EVERY_HOST, List.of()), from, to);
  }

  private static long lost(List<KernelEvent> losses, long from, long to) {
    long lost = 0;
    for (KernelEvent e : losses) {
      if (e.endEpochNanos() >= from - LOST_MARGIN_NANOS
          && e.startEpochNanos() <= to + LOST_MARGIN_NANOS) {
        lost += Double.isNaN(e.value()) ? 1 : (long) e.value();
      }
    }
    return lost;
  }

  static String entityLabel(KernelEvent e) {
    if (e.pid() > 0
        && e.name() != EventName.TCP_RETRANSMIT
        && e.name() != EventName.BLOCK_IO_LATENCY
        && e.flow() == null) {
      StringBuilder b = new StringBuilder("pid ").append(e.pid());
      if (e.tid() > 0 && e.tid() != e.pid()) {
        b.append(" tid ").append(e.tid());
      }
      if (e.comm() != null) {
        b.append(" (").append(e.comm()).append(')');
      }
      return b.toString();
    }
    if (e.flow() != null) {
      return e.flow().local() + " -> " + e.flow().remote();
    }
    String container = ProcessDirectory.containerIdOf(e);
    if (container != null) {
      return "container " + CgroupNames.containerKey(container);
    }
    if (e.cgroupPath() != null) {
      return "cgroup " + e.cgroupPath();
    }
    if (e.dev() != null) {
      return e.dev() + " on " + e.host();
    }
    return "host " + e.host();
  }

  static final Comparator<Evidence> BY_TIME =
      Comparator.comparingLong((Evidence ev) -> ev.event().startEpochNanos());
}
