package io.isostack.correlator.verdict;

import io.isostack.correlator.detect.Intervals;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.rules.Rule;
import io.isostack.model.IsolationLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * One candidate cause of a slow hop while it is being scored: the evidence of one (layer, network
 * slice, cause). Not thread-safe.
 */
final class Candidate {
  final IsolationLayer layer;
  final boolean network;
  final String cause;
  final Rule rule;
  final Set<String> signals = new LinkedHashSet<>();
  final List<Evidence> evidence = new ArrayList<>();
  final Map<String, Rule> rules = new HashMap<>();
  private long[] starts = new long[8];
  private long[] ends = new long[8];
  private int intervals;
  private double spreadNanos;
  private long instantNanos;
  private boolean explains;
  long explainedNanos;

  private final ToIntFunction<Rule> ruleOrder;

  Candidate(
      IsolationLayer layer,
      boolean network,
      String cause,
      Rule rule,
      ToIntFunction<Rule> ruleOrder) {
    this.ruleOrder = ruleOrder;
    this.layer = layer;
    this.network = network;
    this.cause = cause;
    this.rule = rule;
  }

  void addInterval(long start, long end) {
    if (intervals == starts.length) {
      starts = Arrays.copyOf(starts, intervals * 2);
      ends = Arrays.copyOf(ends, intervals * 2);
    }
    starts[intervals] = start;
    ends[intervals] = end;
    intervals++;
    explains = true;
  }

  void addSpread(double nanos) {
    spreadNanos += nanos;
    explains = true;
  }

  void addInstant(long nanos) {
    instantNanos += nanos;
    explains = true;
  }

  void add(Evidence e, Rule byRule) {
    evidence.add(e);
    rules.putIfAbsent(byRule.id(), byRule);
    signals.add(e.event().name().wire());
  }

  /**
   * The rule that words the candidate's statement: of the rules with evidence here, the first in
   * the rule table (its authors' order of preference, e.g. the cgroup's throttle before its
   * threads' waits).
   */
  Rule leadRule() {
    Rule lead = rule;
    int best = Integer.MAX_VALUE;
    for (Rule r : rules.values()) {
      int order = ruleOrder.applyAsInt(r);
      if (order < best) {
        best = order;
        lead = r;
      }
    }
    return lead;
  }

  /** Self time explained by the lead rule's evidence alone, at most the candidate's. */
  long leadExplainedNanos() {
    String id = leadRule().id();
    long sum = 0;
    for (Evidence e : evidence) {
      if (e.ruleId().equals(id)) {
        sum += e.explainedNanos();
      }
    }
    return Math.min(sum, explainedNanos);
  }

  /** The strongest evidence of the lead rule, or null when there is none. */
  Evidence leadEvidence() {
    String id = leadRule().id();
    Evidence best = null;
    for (Evidence e : evidence) {
      if (e.ruleId().equals(id) && (best == null || e.explainedNanos() > best.explainedNanos())) {
        best = e;
      }
    }
    return best;
  }

  /** Whether any of its evidence explains time (rather than only corroborating). */
  boolean explains() {
    return explains;
  }

  /** Computes {@link #explainedNanos} against the hop's self time. */
  void finish(Intervals self) {
    long fromIntervals = self.overlap(Intervals.union(starts, ends, intervals));
    long total = fromIntervals + Math.round(spreadNanos) + instantNanos;
    explainedNanos = Math.min(self.totalNanos(), total);
  }

  /** The evidence intervals of this candidate as a set, for the union over all candidates. */
  Intervals intervals() {
    return Intervals.union(starts, ends, intervals);
  }

  /** Time explained without intervals (spread samples and instant weights), nanoseconds. */
  long nonIntervalNanos() {
    return Math.round(spreadNanos) + instantNanos;
  }
}
