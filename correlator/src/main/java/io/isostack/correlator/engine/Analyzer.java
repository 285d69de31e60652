package io.isostack.correlator.engine;

import io.isostack.correlator.detect.Intervals;
import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.detect.SlowSpanDetector;
import io.isostack.correlator.detect.TraceAssembler;
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
import io.isostack.model.EvidenceFamily;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One offline analysis: spans first, then kernel events, then findings.
 *
 * <p>Reading order keeps memory bounded: once the spans are in, the slow hops and their windows are
 * known, and a kernel event is kept only when it falls in a slow hop's window on its host; every
 * event still teaches the directories (pid → cgroup, address → device). So memory grows with the
 * evidence near slow hops, not with the input. Use from one thread: {@link #addSpan}, then {@link
 * #finishSpans()}, then {@link #addEvent}, then {@link #findings()}.
 */
public final class Analyzer {
  private final RuleTable rules;
  private final AnalyzerSettings options;
  private final TraceAssembler traces = new TraceAssembler();
  private final ProcessDirectory processes = new ProcessDirectory();
  private final InterfaceDirectory interfaces = new InterfaceDirectory();
  private final Coverage coverage = new Coverage();
  private final EventRouter router = new EventRouter(processes, interfaces, coverage);
  private final EventIndex index = new EventIndex();
  private final Map<String, List<KernelEvent>> lostByHost = new HashMap<>();
  private final Map<String, Intervals> interest = new HashMap<>();
  private Intervals interestAnyHost = Intervals.EMPTY;
  private List<SlowSpan> hops;
  private long eventsIndexed;
  private long eventsOutsideWindows;

  /**
   * Creates an analysis.
   *
   * @param rules the rule table
   * @param options the tunables
   */
  public Analyzer(RuleTable rules, AnalyzerSettings options) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Adds a span.
   *
   * @throws IllegalStateException after {@link #finishSpans()}
   */
  public void addSpan(SpanView span) {
    if (hops != null) {
      throw new IllegalStateException("spans must all be added before finishSpans()");
    }
    traces.add(span);
  }

  /**
   * Ends the span phase: runs the horizontal step and fixes the windows kernel events are kept for.
   *
   * @return the slow hops
   */
  public List<SlowSpan> finishSpans() {
    if (hops == null) {
      hops =
          new SlowSpanDetector(
                  options.slowThresholdNanos(),
                  options.baselineFloorNanos(),
                  options.slowRequestNanos())
              .detect(traces.traces());
      Map<String, List<long[]>> windows = new HashMap<>();
      for (SlowSpan h : hops) {
        String host = h.span().host() != null ? h.span().host() : options.defaultHost();
        windows
            .computeIfAbsent(host, k -> new ArrayList<>())
            .add(
                new long[] {
                  h.span().startEpochNanos() - options.skewNanos(),
                  h.span().endEpochNanos() + options.skewNanos()
                });
      }
      for (Map.Entry<String, List<long[]>> w : windows.entrySet()) {
        List<long[]> list = w.getValue();
        long[] s = new long[list.size()];
        long[] e = new long[list.size()];
        for (int i = 0; i < s.length; i++) {
          s[i] = list.get(i)[0];
          e[i] = list.get(i)[1] + 1;
        }
        interest.put(w.getKey(), Intervals.union(s, e, s.length));
      }
      interestAnyHost = windowsOfAllHosts();
    }
    return hops;
  }

  private Intervals windowsOfAllHosts() {
    int n = 0;
    for (Intervals iv : interest.values()) {
      n += iv.size();
    }
    long[] s = new long[n];
    long[] e = new long[n];
    int k = 0;
    for (Intervals iv : interest.values()) {
      for (int i = 0; i < iv.size(); i++) {
        s[k] = iv.start(i);
        e[k] = iv.end(i);
        k++;
      }
    }
    return Intervals.union(s, e, n);
  }

  /**
   * Adds a kernel event (time already in the Unix epoch).
   *
   * @throws IllegalStateException before {@link #finishSpans()}
   */
  public void addEvent(KernelEvent e) {
    if (hops == null) {
      throw new IllegalStateException("finishSpans() must be called before events are added");
    }
    if (e.name() == EventName.PRODUCER_LOST) {
      lostByHost.computeIfAbsent(e.host(), k -> new ArrayList<>()).add(e);
      return;
    }
    if (!router.learn(e) || !rules.covers(e.name())) {
      return;
    }
    // A 5-tuple joins across hosts (the peer's node sees the same connection), so flow events
    // are kept near any slow hop; the others only near a slow hop on their own host.
    Intervals windows = e.flow() != null ? interestAnyHost : interest.get(e.host());
    long reach = EventIndex.reachStart(e);
    if (windows == null || windows.overlap(reach, e.endEpochNanos() + 1) == 0) {
      eventsOutsideWindows++;
      return;
    }
    router.index(e, index);
    eventsIndexed++;
  }

  /**
   * Runs the vertical step for every slow hop, the hops in parallel on the common fork-join pool
   * (with the calling thread): by then the index, the directories and the traces are only read, and
   * each hop's step is its own, so the findings are those of one thread (the vertical step was the
   * main thread's last 0.13 s of a 1 M-event run, with the other core idle).
   *
   * @return one finding per slow hop (each in its slow request, if any), ordered by the time they
   *     explain, largest first
   */
  public List<Finding> findings() {
    finishSpans();
    index.seal();
    HostActivity activity = new HostActivity(hops, options.defaultHost());
    VerticalStep correlator =
        new VerticalStep(
            rules,
            options.vertical(),
            index,
            processes,
            interfaces,
            coverage,
            activity,
            lostByHost);
    List<Finding> findings =
        new ArrayList<>(
            hops.parallelStream()
                .map(
                    hop ->
                        correlator
                            .correlate(hop)
                            .withRequest(hop.requestNanos(), hop.requestShare()))
                .toList());
    findings.sort(
        Comparator.comparingLong(Finding::explainedNanos)
            .reversed()
            .thenComparing(f -> f.span().traceId())
            .thenComparing(f -> f.span().spanId()));
    return findings;
  }

  /**
   * The completeness of the analysed input (docs/METHOD.md §6): which signals were present and
   * whether each slow span could be followed down to kernel evidence.
   *
   * @param findings the findings of {@link #findings()}
   */
  public Completeness completeness(List<Finding> findings) {
    Map<EvidenceFamily, Long> events = new EnumMap<>(EvidenceFamily.class);
    Set<EvidenceFamily> watched = EnumSet.noneOf(EvidenceFamily.class);
    coverage
        .totals()
        .forEach(
            (family, total) -> {
              events.put(family, total.events());
              if (total.watched()) {
                watched.add(family);
              }
            });
    return Completeness.of(spanCount(), traceCount(), events, watched, findings);
  }

  /** Distinct spans added. */
  public long spanCount() {
    return traces.spanCount();
  }

  /** Spans ignored as repeats of one already added. */
  public long duplicateSpanCount() {
    return traces.duplicateCount();
  }

  /** Traces assembled. */
  public int traceCount() {
    return traces.traces().size();
  }

  /** Kernel events kept as evidence candidates (inside a slow hop's window). */
  public long eventsIndexed() {
    return eventsIndexed;
  }

  /** Kernel events dropped because no slow hop on their host overlaps them. */
  public long eventsOutsideWindows() {
    return eventsOutsideWindows;
  }

  /** Events the producers reported lost, per host. */
  public Map<String, Long> lostEventsByHost() {
    Map<String, Long> out = new HashMap<>();
    for (Map.Entry<String, List<KernelEvent>> e : lostByHost.entrySet()) {
      long n = 0;
      for (KernelEvent k : e.getValue()) {
        n += Double.isNaN(k.value()) ? 1 : (long) k.value();
      }
      out.put(e.getKey(), n);
    }
    return out;
  }
}
