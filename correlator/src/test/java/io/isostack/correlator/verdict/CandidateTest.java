package io.isostack.correlator.verdict;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.detect.Intervals;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.rules.Rule;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class CandidateTest {
  private static final List<Rule> RULES = RuleTable.defaults().rules();
  private static final long MS = 1_000_000L;
  private static final Intervals SELF = Intervals.of(ms(0), ms(1000));

  private static Rule rule(String id) {
    return RULES.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
  }

  private static Candidate candidate(String ruleId) {
    Rule r = rule(ruleId);
    return new Candidate(r.layer(), r.network(), r.cause(), r, RULES::indexOf);
  }

  private static Evidence evidence(Rule rule, EventName name, double fromMs, double toMs) {
    KernelEvent e =
        KernelEvent.builder(name, "node-1")
            .interval(ms(fromMs), ms(toMs))
            .task(4242, 4242, "java")
            .build();
    return new Evidence(
        e,
        "pid 4242 (java)",
        "process",
        rule.layer(),
        rule.network(),
        rule.cause(),
        rule.causeTitle(),
        rule.id(),
        Math.round((toMs - fromMs) * MS));
  }

  @Test
  void overlappingIntervalsAreCountedOnce() {
    Candidate c = candidate("runq-latency");
    c.addInterval(ms(100), ms(500));
    c.addInterval(ms(300), ms(700));

    c.finish(SELF);

    assertThat(c.explainedNanos).isEqualTo(600 * MS);
    assertThat(c.intervals().size()).isEqualTo(1);
    assertThat(c.intervals().start(0)).isEqualTo(ms(100));
    assertThat(c.intervals().end(0)).isEqualTo(ms(700));
  }

  @Test
  void disjointIntervalsAddUp() {
    Candidate c = candidate("runq-latency");
    c.addInterval(ms(100), ms(200));
    c.addInterval(ms(300), ms(450));

    c.finish(SELF);

    assertThat(c.explainedNanos).isEqualTo(250 * MS);
    assertThat(c.intervals().size()).isEqualTo(2);
  }

  @Test
  void manyIntervalsAreAllKept() {
    Candidate c = candidate("runq-latency");
    for (int i = 0; i < 20; i++) {
      c.addInterval(ms(i * 10), ms(i * 10 + 5));
    }

    c.finish(SELF);

    assertThat(c.explainedNanos).isEqualTo(100 * MS);
  }

  @Test
  void onlyThePartOfAnIntervalInTheSelfTimeIsExplained() {
    Intervals self =
        Intervals.of(ms(0), ms(1000)).minus(Intervals.of(ms(400), ms(600))); // a child 400..600
    Candidate c = candidate("runq-latency");
    c.addInterval(ms(300), ms(700));

    c.finish(self);

    assertThat(c.explainedNanos).isEqualTo(200 * MS);
  }

  @Test
  void instantWeightsAddUpToAtMostTheSelfTime() {
    Candidate c = candidate("oom-kill");
    c.addInstant(rule("oom-kill").instantNanos());
    c.addInstant(rule("oom-kill").instantNanos());

    c.finish(Intervals.of(ms(0), ms(1500)));

    assertThat(c.explainedNanos).isEqualTo(1500 * MS);
    assertThat(c.nonIntervalNanos()).isEqualTo(2000 * MS);
  }

  @Test
  void backoffWaitsAndInstantsTogetherAreCappedAtTheSelfTime() {
    Candidate c = candidate("seccomp-denied");
    c.addInterval(ms(0), ms(800));
    c.addInstant(400 * MS);

    c.finish(SELF);

    assertThat(c.explainedNanos).isEqualTo(1000 * MS);
  }

  @Test
  void intervalsAndInstantsBelowTheSelfTimeAddUp() {
    Candidate c = candidate("seccomp-denied");
    c.addInterval(ms(0), ms(300));
    c.addInstant(200 * MS);

    c.finish(SELF);

    assertThat(c.explainedNanos).isEqualTo(500 * MS);
  }

  @Test
  void spreadSamplerTimeIsRoundedToWholeNanoseconds() {
    Candidate c = candidate("cgroup-cpu-throttled");
    c.addSpread(1_000_000.4);
    c.addSpread(0.2);

    c.finish(SELF);

    assertThat(c.explainedNanos).isEqualTo(1_000_001);
    assertThat(c.nonIntervalNanos()).isEqualTo(1_000_001);
  }

  @Test
  void candidateWithOnlyCorroboratingEvidenceExplainsNothing() {
    Candidate c = candidate("xdp-drop");
    c.add(evidence(rule("xdp-drop"), EventName.NET_XDP_DROP, 100, 100), rule("xdp-drop"));

    c.finish(SELF);

    assertThat(c.explains()).isFalse();
    assertThat(c.explainedNanos).isZero();
  }

  @Test
  void anyWeightMakesTheCandidateExplain() {
    Candidate c = candidate("oom-kill");
    c.addInstant(0);

    assertThat(c.explains()).isTrue();
  }

  @Test
  void signalsAreTheDistinctEventNamesInOrderOfEvidence() {
    Candidate c = candidate("runq-under-quota");
    c.add(
        evidence(rule("runq-under-quota"), EventName.SCHED_RUNQ_LATENCY, 0, 1),
        rule("runq-under-quota"));
    c.add(
        evidence(rule("cgroup-cpu-throttled"), EventName.CPU_THROTTLED, 0, 1),
        rule("cgroup-cpu-throttled"));
    c.add(
        evidence(rule("runq-under-quota"), EventName.SCHED_RUNQ_LATENCY, 2, 3),
        rule("runq-under-quota"));

    assertThat(c.signals).containsExactly("sched.runq_latency", "cpu.throttled");
  }

  @Test
  void leadRuleIsTheFirstInTheTableWhateverOrderEvidenceCameIn() {
    Candidate c = candidate("runq-under-quota");
    c.add(
        evidence(rule("runq-under-quota"), EventName.SCHED_RUNQ_LATENCY, 0, 1),
        rule("runq-under-quota"));
    c.add(
        evidence(rule("cgroup-cpu-throttled"), EventName.CPU_THROTTLED, 0, 1),
        rule("cgroup-cpu-throttled"));

    assertThat(c.leadRule().id()).isEqualTo("cgroup-cpu-throttled");
  }

  @Test
  void leadRuleIsTheCandidatesOwnWithoutEvidence() {
    assertThat(candidate("runq-under-quota").leadRule().id()).isEqualTo("runq-under-quota");
  }

  @Test
  void leadExplainedIsTheLeadRulesEvidenceCappedAtTheCandidates() {
    Rule throttle = rule("cgroup-cpu-throttled");
    Candidate c = candidate("cgroup-cpu-throttled");
    c.add(evidence(throttle, EventName.CPU_THROTTLED, 100, 600), throttle);
    c.add(evidence(throttle, EventName.CPU_THROTTLED, 300, 700), throttle);
    c.addInterval(ms(100), ms(600));
    c.addInterval(ms(300), ms(700));
    c.finish(SELF);

    assertThat(c.explainedNanos).isEqualTo(600 * MS);
    assertThat(c.leadExplainedNanos()).isEqualTo(600 * MS);
  }

  @Test
  void leadExplainedCountsOnlyTheLeadRulesEvidence() {
    Rule throttle = rule("cgroup-cpu-throttled");
    Rule runq = rule("runq-under-quota");
    Candidate c = candidate("runq-under-quota");
    c.add(evidence(throttle, EventName.CPU_THROTTLED, 100, 300), throttle);
    c.add(evidence(runq, EventName.SCHED_RUNQ_LATENCY, 400, 900), runq);
    c.addInterval(ms(100), ms(300));
    c.addInterval(ms(400), ms(900));
    c.finish(SELF);

    assertThat(c.explainedNanos).isEqualTo(700 * MS);
    assertThat(c.leadExplainedNanos()).isEqualTo(200 * MS);
  }

  @Test
  void leadEvidenceIsTheStrongestOfTheLeadRule() {
    Rule throttle = rule("cgroup-cpu-throttled");
    Rule runq = rule("runq-under-quota");
    Candidate c = candidate("runq-under-quota");
    Evidence weak = evidence(throttle, EventName.CPU_THROTTLED, 0, 100);
    Evidence strong = evidence(throttle, EventName.CPU_THROTTLED, 200, 500);
    c.add(weak, throttle);
    c.add(evidence(runq, EventName.SCHED_RUNQ_LATENCY, 0, 900), runq);
    c.add(strong, throttle);

    assertThat(c.leadEvidence()).isSameAs(strong);
  }
}
