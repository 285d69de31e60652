package io.isostack.correlator.verdict;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.detect.Trace;
import io.isostack.correlator.detect.TraceAssembler;
import io.isostack.correlator.finding.ChainLink;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.join.DeviceKind;
import io.isostack.correlator.rules.Condition;
import io.isostack.correlator.rules.Join;
import io.isostack.correlator.rules.Rule;
import io.isostack.correlator.rules.RuleContext;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.rules.Weight;
import io.isostack.model.EventName;
import io.isostack.model.EvidenceFamily;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import io.isostack.model.Observation;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FindingBuilderTest {
  private static final List<Rule> RULES = RuleTable.defaults().rules();
  private static final long MS = 1_000_000L;
  private static final RuleContext PLAIN = new RuleContext(false, false, DeviceKind.UNKNOWN);

  private static VerticalStepSettings settings(int maxEvidencePerLink) {
    return new VerticalStepSettings(2 * MS, 0.2, 10_000 * MS, 2, maxEvidencePerLink, "node-1");
  }

  /** A slow hop from 0 to 1000 ms without children: 1 s of self time. */
  private static SlowSpan hop() {
    SpanView s = span(1).op("backend", "GET /pay", SpanKind.SERVER).pid(4242).at(0, 1000).build();
    TraceAssembler assembler = new TraceAssembler();
    assembler.add(s);
    Trace trace = assembler.traces().iterator().next();
    return new SlowSpan(trace, s, trace.selfTime(s), "threshold", -1);
  }

  private static Rule rule(String id) {
    return RULES.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }

  /** Every family observed on the hop's host over its window, but one. */
  private static Observed observedBut(EvidenceFamily unseen, Observation how) {
    Map<EvidenceFamily, Observation> coverage = new EnumMap<>(EvidenceFamily.class);
    for (EvidenceFamily f : EvidenceFamily.values()) {
      coverage.put(f, f == unseen ? how : Observation.OBSERVED);
    }
    return new Observed(coverage, false, "node-1");
  }

  private static final Observed ALL_OBSERVED =
      observedBut(EvidenceFamily.HYPERVISOR, Observation.OBSERVED);

  private static Finding build(
      List<Candidate> candidates, int maxEvidencePerLink, long lost, Observed observed) {
    return FindingBuilder.build(
        hop(),
        candidates,
        PLAIN,
        new ArrayList<>(),
        lost,
        observed,
        settings(maxEvidencePerLink),
        VerticalStep.DRILL_ORDER);
  }

  private static Finding build(List<Candidate> candidates, int maxEvidencePerLink, long lost) {
    return build(candidates, maxEvidencePerLink, lost, ALL_OBSERVED);
  }

  private static Finding build(Candidate... candidates) {
    return build(List.of(candidates), 10, 0);
  }

  private static KernelEvent event(Rule rule, double fromMs, double toMs) {
    return KernelEvent.builder(rule.event(), "node-1")
        .interval(ms(fromMs), ms(toMs))
        .task(4242, 4242, "java")
        .build();
  }

  private static Evidence evidence(
      Candidate c, Rule rule, KernelEvent e, String entity, long explainedNanos) {
    return new Evidence(
        e,
        entity,
        "process",
        c.layer,
        c.network,
        c.cause,
        rule.causeTitle(),
        rule.id(),
        explainedNanos);
  }

  /** A candidate of a rule in a layer whose one event explains {@code [fromMs, toMs]}. */
  private static Candidate candidate(
      IsolationLayer layer, String ruleId, double fromMs, double toMs) {
    Rule r = rule(ruleId);
    Candidate c = new Candidate(layer, r.network(), r.cause(), r, RULES::indexOf);
    KernelEvent e = event(r, fromMs, toMs);
    c.addInterval(e.startEpochNanos(), e.endEpochNanos());
    c.add(evidence(c, r, e, "pid 4242 (java)", e.durNanos()), r);
    c.finish(hop().self());
    return c;
  }

  private static Rule template(String detail) {
    return new Rule(
        "slow-syscall",
        EventName.SYSCALL_LATENCY,
        Condition.ALWAYS,
        IsolationLayer.L3,
        false,
        "slow-syscall",
        "slow syscalls",
        Join.ENTITY,
        Weight.INTERVAL,
        0,
        0,
        detail,
        "Syscalls were slow.",
        "Look at the syscalls.",
        "§3.1");
  }

  @Test
  void chainFollowsTheDrillDownOrder() {
    Finding f =
        build(
            candidate(IsolationLayer.HOST, "disk-latency", 0, 50),
            candidate(IsolationLayer.L0, "ept-violation", 100, 150),
            candidate(IsolationLayer.L1, "vm-exit", 200, 250),
            candidate(IsolationLayer.L2, "tcp-connect-latency", 300, 350),
            candidate(IsolationLayer.L4, "seccomp-latency-sandbox", 400, 450),
            candidate(IsolationLayer.L3, "runq-limited", 500, 550));

    assertThat(f.chain())
        .extracting(ChainLink::layer)
        .containsExactly(
            IsolationLayer.L3,
            IsolationLayer.L4,
            IsolationLayer.L2,
            IsolationLayer.L1,
            IsolationLayer.L0,
            IsolationLayer.HOST);
    assertThat(f.evidence())
        .extracting(Evidence::layer)
        .containsExactly(
            IsolationLayer.L3,
            IsolationLayer.L4,
            IsolationLayer.L2,
            IsolationLayer.L1,
            IsolationLayer.L0,
            IsolationLayer.HOST);
  }

  @Test
  void withinALayerTheCauseExplainingMoreComesFirst() {
    Finding f =
        build(
            candidate(IsolationLayer.L3, "runq-limited", 0, 100),
            candidate(IsolationLayer.L3, "seccomp-latency", 200, 500));

    assertThat(f.chain())
        .extracting(ChainLink::cause)
        .containsExactly("seccomp-latency", "runqueue-latency");
  }

  @Test
  void verdictIsTheCauseExplainingMostWhereverItIsInTheChain() {
    Finding f =
        build(
            candidate(IsolationLayer.L3, "runq-limited", 0, 100),
            candidate(IsolationLayer.HOST, "disk-latency", 200, 800));

    assertThat(f.layer()).isEqualTo(IsolationLayer.HOST);
    assertThat(f.cause()).isEqualTo("disk-latency");
    assertThat(f.explainedNanos()).isEqualTo(600 * MS);
    assertThat(f.chain().get(0).layer()).isEqualTo(IsolationLayer.L3);
  }

  @Test
  void onATieTheFirstCauseInDrillDownOrderIsTheVerdict() {
    Finding f =
        build(
            candidate(IsolationLayer.L2, "tcp-connect-latency", 0, 400),
            candidate(IsolationLayer.L3, "runq-limited", 500, 900));

    assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
    assertThat(f.cause()).isEqualTo("runqueue-latency");
  }

  @Test
  void corroboratingCandidateAloneIsNoVerdict() {
    Rule xdp = rule("xdp-drop");
    Candidate drops = new Candidate(IsolationLayer.L2, true, xdp.cause(), xdp, RULES::indexOf);
    drops.add(evidence(drops, xdp, event(xdp, 500, 500), "eth0 on node-1", 0), xdp);
    drops.finish(hop().self());

    Finding f = build(drops);

    assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
    assertThat(f.chain()).extracting(ChainLink::cause).containsExactly("xdp-drop");
  }

  @Test
  void evidenceIsCappedPerLinkKeepingTheStrongestInTimeOrder() {
    Rule r = rule("runq-limited");
    Candidate c = new Candidate(IsolationLayer.L3, false, r.cause(), r, RULES::indexOf);
    long[] explainedMs = {10, 40, 30, 20};
    for (int i = 0; i < explainedMs.length; i++) {
      KernelEvent e = event(r, 100 * (i + 1), 100 * (i + 1) + explainedMs[i]);
      c.addInterval(e.startEpochNanos(), e.endEpochNanos());
      c.add(evidence(c, r, e, "pid 4242 (java)", explainedMs[i] * MS), r);
    }
    c.finish(hop().self());

    Finding f = build(List.of(c), 2, 0);

    assertThat(f.evidence())
        .extracting(ev -> ev.event().startEpochNanos())
        .containsExactly(ms(200), ms(300));
    assertThat(f.chain()).singleElement().extracting(ChainLink::eventCount).isEqualTo(4);
  }

  @Test
  void detailTemplateIsFilledFromTheStrongestEvidence() {
    Rule r = template("{entity}: {count} slow {syscall} calls, {explained}, up to {value}, {fd}");
    Candidate c = new Candidate(IsolationLayer.L3, false, r.cause(), r, x -> 0);
    KernelEvent weak =
        KernelEvent.builder(EventName.SYSCALL_LATENCY, "node-1")
            .interval(ms(100), ms(200))
            .task(4242, 4243, "java")
            .value(7, "ms")
            .attrs(Map.of("syscall", "read"))
            .build();
    KernelEvent strong =
        KernelEvent.builder(EventName.SYSCALL_LATENCY, "node-1")
            .interval(ms(300), ms(500))
            .task(4242, 4250, "java")
            .value(3, "ms")
            .attrs(Map.of("syscall", "connect"))
            .build();
    c.addInterval(weak.startEpochNanos(), weak.endEpochNanos());
    c.addInterval(strong.startEpochNanos(), strong.endEpochNanos());
    c.add(evidence(c, r, weak, "pid 4242 tid 4243 (java)", 100 * MS), r);
    c.add(evidence(c, r, strong, "pid 4242 tid 4250 (java)", 200 * MS), r);
    c.finish(hop().self());

    Finding f = build(c);

    assertThat(f.detail())
        .isEqualTo("pid 4242 (java): 2 slow connect calls, 300 ms, up to 7 ms, ?");
    assertThat(f.chain().get(0).detail()).isEqualTo(f.detail());
  }

  @Test
  void detailKeepsTheThreadWhenEvidenceComesFromSeveralProcesses() {
    Rule r = template("{entity}");
    Candidate c = new Candidate(IsolationLayer.L3, false, r.cause(), r, x -> 0);
    KernelEvent mine = event(r, 100, 400);
    KernelEvent other = event(r, 500, 600);
    c.addInterval(mine.startEpochNanos(), mine.endEpochNanos());
    c.addInterval(other.startEpochNanos(), other.endEpochNanos());
    c.add(evidence(c, r, mine, "pid 4242 tid 4243 (java)", 300 * MS), r);
    c.add(evidence(c, r, other, "pid 5000 (java)", 100 * MS), r);
    c.finish(hop().self());

    assertThat(build(c).detail()).isEqualTo("pid 4242 tid 4243 (java)");
  }

  @Test
  void valueInMicrosecondsIsWrittenAsADuration() {
    Rule r = template("{value}");
    Candidate c = new Candidate(IsolationLayer.L3, false, r.cause(), r, x -> 0);
    KernelEvent e =
        KernelEvent.builder(EventName.SYSCALL_LATENCY, "node-1")
            .interval(ms(100), ms(500))
            .value(900, "us")
            .build();
    c.addInterval(e.startEpochNanos(), e.endEpochNanos());
    c.add(evidence(c, r, e, "host node-1", 400 * MS), r);
    c.finish(hop().self());

    assertThat(build(c).detail()).isEqualTo("900 µs");
  }

  @Test
  void missingValueIsAQuestionMark() {
    Rule r = template("up to {value}");
    Candidate c = new Candidate(IsolationLayer.L3, false, r.cause(), r, x -> 0);
    KernelEvent e = event(r, 100, 500);
    c.addInterval(e.startEpochNanos(), e.endEpochNanos());
    c.add(evidence(c, r, e, "pid 4242 (java)", 400 * MS), r);
    c.finish(hop().self());

    assertThat(build(c).detail()).isEqualTo("up to ?");
  }

  @Test
  void applicationFindingCountsTimeExplainedByOverlappingCausesOnce() {
    Finding f =
        build(
            candidate(IsolationLayer.L3, "runq-limited", 100, 250),
            candidate(IsolationLayer.HOST, "disk-latency", 150, 300));

    assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
    assertThat(f.explainedNanos()).isEqualTo(800 * MS);
    assertThat(f.confidence()).isCloseTo(0.8, within(1e-9));
    assertThat(f.detail()).isEqualTo("kernel evidence explains 200 ms of 1 s self time");
    assertThat(f.chain()).hasSize(2);
  }

  @Test
  void lostEventsLowerTheConfidenceAndSaySo() {
    Finding f = build(List.of(candidate(IsolationLayer.L3, "runq-limited", 100, 600)), 10, 42);

    assertThat(f.confidence()).isCloseTo(0.5 * 0.7, within(1e-9));
    assertThat(f.notes())
        .containsExactly(
            "42 events near this span were lost (by producers, or shed from the live window"
                + " when memory was short): evidence may be missing, confidence lowered");
  }

  @Test
  void confidenceStaysBelowCertainty() {
    Finding f =
        build(
            candidate(IsolationLayer.L3, "cgroup-cpu-throttled", 0, 1000),
            candidate(IsolationLayer.L3, "runq-limited", 0, 1000));

    assertThat(f.explainedNanos()).isEqualTo(1000 * MS);
    assertThat(f.confidence()).isEqualTo(0.99);
  }

  @Test
  void verdictCarriesTheLeadRulesWords() {
    Finding f = build(candidate(IsolationLayer.L3, "runq-limited", 100, 900));

    Rule r = rule("runq-limited");
    assertThat(f.causeTitle()).isEqualTo(r.causeTitle());
    assertThat(f.explanation()).isEqualTo(r.explanation());
    assertThat(f.remediation()).isEqualTo(r.remediation());
    assertThat(f.method()).isEqualTo(r.method());
    assertThat(f.chain()).singleElement().extracting(ChainLink::ruleId).isEqualTo("runq-limited");
  }

  @Test
  void unexplainedTimeIsUnknownWhenTheSchedulerWasNotObserved() {
    Finding f =
        build(
            List.of(candidate(IsolationLayer.L3, "runq-limited", 100, 250)),
            10,
            0,
            observedBut(EvidenceFamily.SCHEDULER, Observation.NOT_OBSERVED));

    assertThat(f.layer()).isEqualTo(IsolationLayer.UNKNOWN);
    assertThat(f.cause()).isEqualTo(Finding.UNOBSERVED_CAUSE);
    assertThat(f.explainedNanos()).isEqualTo(850 * MS);
    assertThat(f.detail()).startsWith("no scheduler events on host node-1 during the span");
    assertThat(f.chain()).extracting(ChainLink::cause).containsExactly("runqueue-latency");
  }

  @Test
  void kernelVerdictNeedsNoCoverageOfTheScheduler() {
    Finding f =
        build(
            List.of(candidate(IsolationLayer.HOST, "disk-latency", 100, 900)),
            10,
            0,
            observedBut(EvidenceFamily.SCHEDULER, Observation.NOT_OBSERVED));

    assertThat(f.layer()).isEqualTo(IsolationLayer.HOST);
    assertThat(f.cause()).isEqualTo("disk-latency");
    assertThat(f.coverage()).containsEntry(EvidenceFamily.SCHEDULER, Observation.NOT_OBSERVED);
  }

  @Test
  void applicationConfidenceIsLoweredBySupplementaryFamiliesNotObserved() {
    Finding f =
        build(
            List.of(candidate(IsolationLayer.L3, "runq-limited", 100, 150)),
            10,
            0,
            observedBut(EvidenceFamily.BLOCK, Observation.NOT_OBSERVED));

    assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
    // 95 % unexplained, times 0.5 + 0.5 * (5 of the 6 relevant families observed).
    assertThat(f.confidence()).isCloseTo(0.95 * (0.5 + 0.5 * 5 / 6.0), within(1e-9));
    assertThat(f.notes()).containsExactly("not observed on this host during the span: block");
  }
}
