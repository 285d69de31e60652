package io.isostack.correlator.engine;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.EvidenceFamily;
import io.isostack.model.FlowKey;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import io.isostack.model.Observation;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The verdict rules of what was observed (the README's "How a verdict is made"): unknown when the
 * kernel was not watched, application only when it was, wire time, CPU saturation without a limit,
 * log lines deciding, and a pid's identity ending at its exit.
 */
class ObservedVerdictsTest {
  private static final long MS = 1_000_000L;

  private final Analyzer analyzer =
      new Analyzer(RuleTable.defaults(), AnalyzerSettings.defaults().withDefaultHost("node-1"));

  private Finding only(List<SpanView> spans, List<KernelEvent> events) {
    spans.forEach(analyzer::addSpan);
    analyzer.finishSpans();
    events.forEach(analyzer::addEvent);
    List<Finding> findings = analyzer.findings();
    assertThat(findings).hasSize(1);
    return findings.get(0);
  }

  private static KernelEvent.Builder event(EventName name) {
    return KernelEvent.builder(name, "node-1");
  }

  /** A producer that declares {@code families} on node-1 from {@code atMs}. */
  private static KernelEvent watching(String families, double atMs) {
    return event(EventName.PRODUCER_START)
        .at(ms(atMs))
        .attrs(Map.of("covers", families))
        .source("test")
        .build();
  }

  /** An unrelated wait at {@code atMs}: the recording went on until then. */
  private static KernelEvent recordingEndsAt(double atMs) {
    return event(EventName.SCHED_RUNQ_LATENCY)
        .interval(ms(atMs - 1), ms(atMs))
        .task(9999, 9999, "cron")
        .source("test")
        .build();
  }

  private static List<KernelEvent> watched(String families, KernelEvent... evidence) {
    List<KernelEvent> events = new ArrayList<>(List.of(evidence));
    events.add(0, watching(families, -60_000));
    events.add(recordingEndsAt(60_000));
    return events;
  }

  private static SpanView server() {
    return span(1).op("api", "GET /a", SpanKind.SERVER).pid(4388).at(0, 600).build();
  }

  private static KernelEvent runq(int pid, double fromMs, double toMs) {
    return event(EventName.SCHED_RUNQ_LATENCY)
        .interval(ms(fromMs), ms(toMs))
        .task(pid, pid + 1, "worker")
        .source("test")
        .build();
  }

  private static KernelEvent attach(int pid, String cgroup, double atMs) {
    return event(EventName.CGROUP_ATTACH)
        .at(ms(atMs))
        .task(pid, pid, "api")
        .cgroup(0, cgroup)
        .source("test")
        .build();
  }

  private static KernelEvent throttled(String cgroup, double fromMs, double toMs) {
    return event(EventName.CPU_THROTTLED)
        .interval(ms(fromMs), ms(toMs))
        .cgroup(0, cgroup)
        .value(5, "1")
        .attrs(Map.of("cfs_quota_us", "10000", "cfs_period_us", "100000"))
        .source("cgroup-sampler")
        .build();
  }

  @Test
  void withNoKernelEventsAtAllTheVerdictIsUnknownNeverApplication() {
    Finding f = only(List.of(server()), List.of());

    assertThat(f.layer()).isEqualTo(IsolationLayer.UNKNOWN);
    assertThat(f.cause()).isEqualTo("unobserved");
    assertThat(f.confidence()).isZero();
    assertThat(f.remediation()).contains("samples/ebpf/sched.bt");
    assertThat(f.coverage()).containsEntry(EvidenceFamily.SCHEDULER, Observation.NOT_OBSERVED);
  }

  @Test
  void watchedSchedulerThatExplainsNothingMakesApplication() {
    Finding f = only(List.of(server()), watched("scheduler,syscalls,block,memory,cgroup-cpu,logs"));

    assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
    assertThat(f.confidence()).isEqualTo(0.99);
    assertThat(f.coverage()).containsEntry(EvidenceFamily.SCHEDULER, Observation.OBSERVED);
  }

  @Test
  void applicationWithOnlyTheSchedulerWatchedIsLessConfidentAndSaysWhatWasMissing() {
    Finding f = only(List.of(server()), watched("scheduler"));

    assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
    assertThat(f.confidence()).isCloseTo(0.5 + 0.5 / 6, org.assertj.core.data.Offset.offset(0.01));
    assertThat(f.notes()).anySatisfy(n -> assertThat(n).contains("syscalls").contains("block"));
  }

  @Test
  void aProducerStartedAfterTheSpanDidNotObserveIt() {
    Finding f =
        only(List.of(server()), List.of(watching("scheduler", 1_800), recordingEndsAt(9_000)));

    assertThat(f.coverage()).containsEntry(EvidenceFamily.SCHEDULER, Observation.NOT_OBSERVED);
    assertThat(f.layer()).isEqualTo(IsolationLayer.UNKNOWN);
  }

  @Test
  void aProducerStartedInTheMiddleOfTheSpanObservedPartOfIt() {
    SpanView longSpan = span(1).op("api", "GET /b", SpanKind.SERVER).pid(4388).at(0, 5_000).build();

    Finding f =
        only(List.of(longSpan), List.of(watching("scheduler", 2_500), recordingEndsAt(9_000)));

    assertThat(f.coverage()).containsEntry(EvidenceFamily.SCHEDULER, Observation.PARTIAL);
    assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
  }

  @Test
  void runQueueLatencyWithoutACpuLimitIsHostCpuSaturation() {
    Finding f = only(List.of(server()), watched("scheduler", runq(4388, 50, 550)));

    assertThat(f.layer()).isEqualTo(IsolationLayer.HOST);
    assertThat(f.cause()).isEqualTo("cpu-saturation");
    assertThat(f.explainedNanos()).isEqualTo(500 * MS);
  }

  @Test
  void runQueueLatencyInACpuLimitedCgroupIsL3EvenWhenItDidNotThrottleThen() {
    Finding f =
        only(
            List.of(server()),
            watched(
                "scheduler",
                attach(4388, "/limited", -30_000),
                throttled("/limited", -20_100, -20_000),
                runq(4388, 50, 550)));

    assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
    assertThat(f.cause()).isEqualTo("runqueue-latency");
  }

  @Test
  void runQueueLatencyWhileTheCgroupThrottlesIsCpuThrottling() {
    Finding f =
        only(
            List.of(server()),
            watched(
                "scheduler",
                attach(4388, "/limited", -30_000),
                throttled("/limited", 0, 600),
                runq(4388, 50, 550)));

    assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
    assertThat(f.cause()).isEqualTo("cpu-throttle");
  }

  private static List<SpanView> clientCall() {
    return List.of(
        span(1).op("frontend", "GET /checkout", SpanKind.SERVER).pid(4120).at(0, 1100).build(),
        span(2)
            .parent(1)
            .op("frontend", "GET /pay", SpanKind.CLIENT)
            .pid(4120)
            .attr("network.peer.address", "10.0.0.9")
            .attr("network.peer.port", 8080)
            .at(50, 1050)
            .build(),
        span(3)
            .parent(2)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .pid(4388)
            .attr("network.peer.address", "10.0.0.2")
            .attr("network.peer.port", 51544)
            .attr("network.local.address", "10.0.0.9")
            .attr("network.local.port", 8080)
            .at(150, 350)
            .build());
  }

  @Test
  void wireTimeWithoutFlowEvidenceIsANetworkFindingShapedLikeAnRto() {
    Finding f = only(clientCall(), watched("network,scheduler"));

    assertThat(f.span().kind()).isEqualTo(SpanKind.CLIENT);
    assertThat(f.cause()).isEqualTo("wire-time");
    assertThat(f.network()).isTrue();
    assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
    assertThat(f.detail()).contains("800 ms").contains("retransmission timeout");
    assertThat(f.confidence()).isEqualTo(0.4); // 0.5 for an RTO-shaped gap, × 0.8 unknown device
    assertThat(f.remediation()).doesNotContain("Profile the application");
  }

  @Test
  void wireTimeWithRetransmitsOnTheFlowIsTheRetransmitFinding() {
    FlowKey flow =
        new FlowKey(new Endpoint("10.0.0.2", 51544), new Endpoint("10.0.0.9", 8080), "tcp");
    KernelEvent retransmit =
        event(EventName.TCP_RETRANSMIT)
            .at(ms(600))
            .task(0, 0, null)
            .flow(flow, 0)
            .attrs(Map.of("state", "ESTABLISHED"))
            .source("bpftrace:tcp.bt")
            .build();

    Finding f = only(clientCall(), watched("network,scheduler", retransmit));

    assertThat(f.cause()).isEqualTo("tcp-retransmit");
    assertThat(f.network()).isTrue();
  }

  @Test
  void wireTimeOfAnUnwatchedFlowIsUnknownNamingTheNetworkProducer() {
    Finding f = only(clientCall(), watched("scheduler"));

    assertThat(f.layer()).isEqualTo(IsolationLayer.UNKNOWN);
    assertThat(f.detail()).startsWith("no network events");
    assertThat(f.remediation()).contains("samples/ebpf/tcp.bt");
  }

  @Test
  void aKeywordLogLineOnTheHostDecidesWhenNothingElseExplainsMore() {
    KernelEvent log =
        event(EventName.LOG)
            .at(ms(300))
            .attrs(Map.of("message", "virtio_net virtio0 eth0: NETDEV WATCHDOG: tx timeout"))
            .source("dmesg")
            .build();

    Finding f = only(List.of(server()), watched("scheduler,logs", log));

    assertThat(f.layer()).isEqualTo(IsolationLayer.L2);
    assertThat(f.cause()).isEqualTo("virtio-tx-timeout");
    assertThat(f.confidence()).isLessThanOrEqualTo(0.6);
    assertThat(f.notes()).anySatisfy(n -> assertThat(n).contains("log lines only"));
  }

  @Test
  void intervalEvidenceThatExplainsMoreBeatsALogLine() {
    KernelEvent log =
        event(EventName.LOG)
            .at(ms(300))
            .attrs(Map.of("message", "virtio_net virtio0 eth0: tx timeout"))
            .source("dmesg")
            .build();
    SpanView longSpan = span(1).op("api", "GET /a", SpanKind.SERVER).pid(4388).at(0, 3000).build();

    Finding f = only(List.of(longSpan), watched("scheduler,logs", log, runq(4388, 100, 2900)));

    assertThat(f.cause()).isEqualTo("cpu-saturation");
  }

  @Test
  void afterAProcessExitsALaterSpanOnItsReusedPidDoesNotJoinTheOldCgroup() {
    KernelEvent exit =
        event(EventName.PROCESS_EXIT).at(ms(-10_000)).task(4388, 4388, "old").build();
    SpanView later = server();

    Finding f =
        only(
            List.of(later),
            watched(
                "scheduler",
                attach(4388, "/old-service", -30_000),
                exit,
                throttled("/old-service", 0, 600)));

    assertThat(f.evidence()).isEmpty();
    assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
  }

  @Test
  void beforeItsExitAProcessSpanStillJoinsItsCgroup() {
    KernelEvent exit = event(EventName.PROCESS_EXIT).at(ms(10_000)).task(4388, 4388, "api").build();

    Finding f =
        only(
            List.of(server()),
            watched("scheduler", attach(4388, "/api", -30_000), exit, throttled("/api", 0, 600)));

    assertThat(f.cause()).isEqualTo("cpu-throttle");
  }
}
