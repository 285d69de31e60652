package io.isostack.correlator.verdict;

import io.isostack.correlator.detect.Intervals;
import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.finding.ChainLink;
import io.isostack.correlator.finding.Durations;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.join.DeviceKind;
import io.isostack.correlator.rules.RuleContext;
import io.isostack.model.EventName;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the scored candidates of one slow hop into its {@link Finding}. Stateless. */
final class FindingBuilder {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
  private static final double CORROBORATION_BONUS = 0.1;
  private static final double LOST_EVENTS_FACTOR = 0.7;
  static final double UNKNOWN_DEVICE_FACTOR = 0.8;

  /**
   * Confidence factor of a verdict whose only evidence is log lines (weight {@code log}): a keyword
   * names what failed, not how long it took.
   */
  static final double LOG_CONFIDENCE_FACTOR = 0.6;

  private FindingBuilder() {}

  static Finding build(
      SlowSpan hop,
      Collection<Candidate> candidates,
      RuleContext context,
      List<String> notes,
      long lostEvents,
      Observed observed,
      VerticalStepSettings options,
      List<IsolationLayer> drillOrder) {
    long self = hop.selfNanos();
    Comparator<Candidate> drill =
        Comparator.comparingInt((Candidate c) -> drillOrder.indexOf(c.layer))
            .thenComparing(c -> -c.explainedNanos);
    List<Candidate> chainOrder = new ArrayList<>(candidates);
    chainOrder.sort(drill);
    Candidate top = strongest(chainOrder);
    List<ChainLink> chain = new ArrayList<>();
    List<Evidence> evidence = new ArrayList<>();
    for (Candidate c : chainOrder) {
      chain.add(link(c));
      List<Evidence> kept = new ArrayList<>(c.evidence);
      kept.sort(Comparator.comparingLong(Evidence::explainedNanos).reversed());
      kept = new ArrayList<>(kept.subList(0, Math.min(kept.size(), options.maxEvidencePerLink())));
      kept.sort(VerticalStep.BY_TIME);
      evidence.addAll(kept);
    }
    if (lostEvents > 0) {
      notes.add(
          lostEvents
              + " events near this span were lost (by producers, or shed from the live window"
              + " when memory was short): evidence may be missing, confidence lowered");
    }
    double lostFactor = lostEvents > 0 ? LOST_EVENTS_FACTOR : 1.0;
    boolean kernel = top != null && top.explainedNanos >= options.minExplainedFraction() * self;
    if (!kernel) {
      return new UnexplainedTime(hop, explainedByAll(candidates, hop.self()), observed, notes)
          .finding(context, lostFactor, chain, evidence);
    }
    double confidence = (double) top.explainedNanos / Math.max(1, self);
    long sameLayerSignals =
        candidates.stream()
            .filter(c -> c.layer == top.layer)
            .flatMap(c -> c.signals.stream())
            .distinct()
            .count();
    if (sameLayerSignals >= 2) {
      confidence += CORROBORATION_BONUS;
    }
    confidence *= lostFactor;
    if (top.signals.equals(java.util.Set.of(EventName.LOG.wire()))) {
      confidence *= LOG_CONFIDENCE_FACTOR;
      notes.add("decided by log lines only: a keyword says what failed, not how long it took");
    }
    if (top.layer == context.deviceKind().layer()
        && top.rule.layer() == null
        && context.deviceKind() == DeviceKind.UNKNOWN) {
      confidence *= UNKNOWN_DEVICE_FACTOR;
    }
    return new Finding(
        hop.span(),
        hop.trace().pathTo(hop.span()),
        self,
        hop.reason(),
        hop.baselineNanos(),
        top.layer,
        top.network,
        top.cause,
        top.leadRule().causeTitle(),
        clamp(confidence),
        top.explainedNanos,
        link(top).detail(),
        top.leadRule().explanation(),
        top.leadRule().remediation(),
        top.leadRule().method(),
        notes,
        chain,
        evidence,
        observed.coverage(),
        -1,
        0,
        OtherConsumerRanking.CPU_SATURATION.equals(top.cause)
            ? OtherConsumerRanking.rank(top.evidence, hop.span().pid())
            : null);
  }

  /** The candidate explaining the most time; on a tie the first in drill-down order. */
  private static Candidate strongest(List<Candidate> chainOrder) {
    Candidate top = null;
    for (Candidate c : chainOrder) {
      if (c.explains() && (top == null || c.explainedNanos > top.explainedNanos)) {
        top = c;
      }
    }
    return top;
  }

  private static long explainedByAll(Collection<Candidate> candidates, Intervals self) {
    List<Intervals> all = new ArrayList<>();
    long extra = 0;
    int n = 0;
    for (Candidate c : candidates) {
      Intervals iv = c.intervals();
      all.add(iv);
      n += iv.size();
      extra += c.nonIntervalNanos();
    }
    long[] s = new long[n];
    long[] e = new long[n];
    int k = 0;
    for (Intervals iv : all) {
      for (int i = 0; i < iv.size(); i++) {
        s[k] = iv.start(i);
        e[k] = iv.end(i);
        k++;
      }
    }
    return Math.min(self.totalNanos(), self.overlap(Intervals.union(s, e, n)) + extra);
  }

  private static ChainLink link(Candidate c) {
    return new ChainLink(
        c.layer,
        c.network,
        c.cause,
        c.leadRule().causeTitle(),
        c.explainedNanos,
        c.evidence.size(),
        List.copyOf(c.signals),
        detail(c),
        c.leadRule().explanation(),
        c.leadRule().remediation(),
        c.leadRule().method(),
        c.leadRule().id());
  }

  /** Fills the rule's detail template from the candidate's strongest evidence. */
  private static String detail(Candidate c) {
    Evidence strongest = c.leadEvidence();
    KernelEvent e = strongest.event();
    double maxValue = Double.NaN;
    for (Evidence ev : c.evidence) {
      double v = ev.event().value();
      if (!Double.isNaN(v) && (Double.isNaN(maxValue) || v > maxValue)) {
        maxValue = v;
      }
    }
    String entity = strongest.entity();
    if (entity.startsWith("pid ")
        && c.evidence.stream()
                .map(Evidence::entity)
                .map(s -> s.replaceAll(" tid \\d+", ""))
                .distinct()
                .count()
            == 1) {
      entity = entity.replaceAll(" tid \\d+", "");
    }
    String value = Double.isNaN(maxValue) ? "?" : formatValue(maxValue, e.unit());
    Matcher m = PLACEHOLDER.matcher(c.leadRule().detail());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String replacement =
          switch (name) {
            case "entity" -> entity;
            case "explained" -> Durations.human(c.leadExplainedNanos());
            case "count" -> Integer.toString(c.evidence.size());
            case "value" -> value;
            default -> {
              String a = e.attr(name);
              yield a == null ? "?" : a;
            }
          };
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String formatValue(double v, String unit) {
    if ("us".equals(unit)) {
      return Durations.human(Math.round(v * 1000));
    }
    String n = v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    return unit == null || unit.equals("1") ? n : n + " " + unit;
  }

  static double clamp(double c) {
    return Math.max(0.0, Math.min(0.99, c));
  }
}
