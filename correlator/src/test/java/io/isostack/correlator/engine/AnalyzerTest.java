package io.isostack.correlator.engine;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static io.isostack.correlator.testing.SpanBuilder.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnalyzerTest {
  private static final RuleTable RULES = RuleTable.defaults();
  private static final long MS = 1_000_000L;
  private static final String CID =
      "c60f8fe0a62695279070962c5fdd707eb8d3af23681c2889290464c5c9307bec";
  private static final String POD = "32f6ffa4-9275-4c84-87fb-7f2c66a2ffa0";

  private final Analyzer analyzer =
      new Analyzer(RULES, AnalyzerSettings.defaults().withDefaultHost("node-1"));

  private List<Finding> analyze(List<SpanView> spans, List<KernelEvent> events) {
    spans.forEach(analyzer::addSpan);
    analyzer.finishSpans();
    events.forEach(analyzer::addEvent);
    return analyzer.findings();
  }

  private static KernelEvent.Builder event(EventName name) {
    return KernelEvent.builder(name, "node-1");
  }

  private static FlowKey flow(String saddr, int sport, String daddr, int dport) {
    return new FlowKey(new Endpoint(saddr, sport), new Endpoint(daddr, dport), "tcp");
  }

  /** A backend server span of pid 4242, 1.41 s, no children. */
  private static SpanView backend() {
    return span(1).op("backend", "GET /pay", SpanKind.SERVER).pid(4242).at(0, 1410).build();
  }

  private static KernelEvent attach(int pid, String cgroupPath) {
    return event(EventName.CGROUP_ATTACH)
        .at(ms(-60_000))
        .task(pid, pid, "backend")
        .cgroup(0, cgroupPath)
        .source("agent:cgroup")
        .build();
  }

  /** A producer that declares it watches {@code families} on node-1 from a minute before t=0. */
  private static KernelEvent watching(String families) {
    return event(EventName.PRODUCER_START)
        .at(ms(-60_000))
        .attrs(Map.of("covers", families))
        .source("bpftrace:sched.bt")
        .build();
  }

  private static KernelEvent throttled(String cgroupPath, double fromMs, double toMs) {
    return event(EventName.CPU_THROTTLED)
        .interval(ms(fromMs), ms(toMs))
        .cgroup(0, cgroupPath)
        .value(13, "1")
        .source("cgroup-sampler")
        .build();
  }

  private static KernelEvent runq(int pid, int tid, double fromMs, double toMs) {
    return event(EventName.SCHED_RUNQ_LATENCY)
        .interval(ms(fromMs), ms(toMs))
        .task(pid, tid, "worker")
        .source("bpftrace:runqlat.bt")
        .build();
  }

  private static KernelEvent retransmit(int pid, FlowKey flow, double atMs) {
    return event(EventName.TCP_RETRANSMIT)
        .at(ms(atMs))
        .task(pid, pid, null)
        .flow(flow, 0)
        .attrs(Map.of("state", "ESTABLISHED"))
        .source("bpftrace:tcp.bt")
        .build();
  }

  private static KernelEvent blockIo(double fromMs, double toMs) {
    return event(EventName.BLOCK_IO_LATENCY)
        .interval(ms(fromMs), ms(toMs))
        .task(977, 977, "fluent-bit")
        .dev("vda")
        .value(4096, "By")
        .attrs(Map.of("op", "write"))
        .source("libbpf-tools:biosnoop")
        .build();
  }

  @Test
  void throttledCgroupOfAPlainProcessIsContainerCpuThrottling() {
    List<Finding> findings =
        analyze(
            List.of(backend()),
            List.of(attach(4242, "/demo-backend"), throttled("/demo-backend", 50, 1350)));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
              assertThat(f.network()).isFalse();
              assertThat(f.cause()).isEqualTo("cpu-throttle");
              assertThat(f.explainedNanos()).isEqualTo(1300 * MS);
              assertThat(f.detail()).contains("cgroup /demo-backend");
              assertThat(f.evidence())
                  .singleElement()
                  .satisfies(
                      e -> {
                        assertThat(e.event().name()).isEqualTo(EventName.CPU_THROTTLED);
                        assertThat(e.join()).isEqualTo("cgroup");
                      });
            });
  }

  @Test
  void throttledCgroupDoesNotJoinWithoutKnowingTheProcessIsInIt() {
    List<Finding> findings =
        analyze(List.of(backend()), List.of(throttled("/demo-backend", 50, 1350)));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              // Nothing joined, and no scheduler was watched: not observed, not "application".
              assertThat(f.layer()).isEqualTo(IsolationLayer.UNKNOWN);
              assertThat(f.cause()).isEqualTo("unobserved");
              assertThat(f.evidence()).isEmpty();
            });
  }

  @Test
  void cgroupAttachLearnedAfterTheThrottleEventStillJoins() {
    List<Finding> findings =
        analyze(
            List.of(backend()),
            List.of(throttled("/demo-backend", 50, 1350), attach(4242, "/demo-backend")));

    assertThat(findings).singleElement().extracting(Finding::cause).isEqualTo("cpu-throttle");
  }

  @Test
  void containerisedSpanJoinsHostPidsThroughTheCgroupPathsContainerIdNotThroughItsOwnPid() {
    SpanView payment =
        span(1)
            .op("payment", "POST /pay", SpanKind.SERVER)
            .pid(1)
            .container(CID)
            .pod(POD)
            .at(0, 1000)
            .build();
    KernelEvent hostInit = runq(1, 1, 0, 900);
    KernelEvent inContainer =
        event(EventName.SCHED_RUNQ_LATENCY)
            .interval(ms(100), ms(400))
            .task(5000, 5001, "java")
            .cgroup(0, "/kubepods/burstable/pod" + POD + "/" + CID)
            .source("bpftrace:runqlat.bt")
            .build();
    KernelEvent samePidNoCgroup =
        event(EventName.SCHED_OFFCPU)
            .interval(ms(500), ms(700))
            .task(5000, 5002, "java")
            .attrs(Map.of("state", "R"))
            .source("bpftrace:offcpu.bt")
            .build();

    List<Finding> findings =
        analyze(List.of(payment), List.of(hostInit, inContainer, samePidNoCgroup));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.evidence()).extracting(e -> e.event().pid()).containsOnly(5000);
              assertThat(f.evidence())
                  .extracting(Evidence::event)
                  .containsExactlyInAnyOrder(inContainer, samePidNoCgroup);
              // The container's cgroup has no CPU limit: the node's CPUs were busy.
              assertThat(f.layer()).isEqualTo(IsolationLayer.HOST);
              assertThat(f.cause()).isEqualTo("cpu-saturation");
              assertThat(f.explainedNanos()).isEqualTo(500 * MS);
            });
  }

  @Test
  void containerisedSpanWithAnAbbreviatedRuntimePrefixedIdJoinsItsContainer() {
    SpanView payment =
        span(1)
            .op("payment", "POST /pay", SpanKind.SERVER)
            .pid(1)
            .container("containerd://" + CID.substring(0, 12))
            .at(0, 1000)
            .build();
    KernelEvent throttle =
        event(EventName.CPU_THROTTLED)
            .interval(ms(100), ms(900))
            .cgroup(
                0,
                "/kubepods.slice/kubepods-pod"
                    + POD.replace('-', '_')
                    + ".slice/cri-containerd-"
                    + CID
                    + ".scope")
            .value(8, "1")
            .source("cgroup-sampler")
            .build();

    List<Finding> findings = analyze(List.of(payment), List.of(throttle));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.cause()).isEqualTo("cpu-throttle");
              assertThat(f.evidence())
                  .singleElement()
                  .extracting(Evidence::join)
                  .isEqualTo("container");
            });
  }

  /**
   * A 288 ms request none of whose spans crosses the 250 ms threshold: 7 ms in the root, 80 ms of
   * wire time in the client span, 201 ms in the backend's server span (the shape issue 9 found in a
   * real CPU-quota recording).
   */
  private static List<SpanView> requestSpreadOverTwoHops() {
    return List.of(
        span(1).op("frontend", "GET /checkout", SpanKind.SERVER).pid(4120).at(0, 288).build(),
        span(2)
            .parent(1)
            .op("frontend", "GET /pay", SpanKind.CLIENT)
            .pid(4120)
            .attr("server.address", "backend")
            .attr("server.port", 8080)
            .at(3, 284)
            .build(),
        span(3).parent(2).op("backend", "GET /pay", SpanKind.SERVER).pid(4242).at(43, 244).build());
  }

  @Test
  void slowRequestSpreadOverTwoHopsFindsTheThrottledServerSpanWithItsShare() {
    List<Finding> findings =
        analyze(
            requestSpreadOverTwoHops(),
            List.of(attach(4242, "/demo-backend"), throttled("/demo-backend", 45, 240)));

    List<Finding> server =
        findings.stream().filter(f -> f.span().service().equals("backend")).toList();
    assertThat(server)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.slowReason()).isEqualTo("request");
              assertThat(f.selfNanos()).isEqualTo(201 * MS);
              assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
              assertThat(f.cause()).isEqualTo("cpu-throttle");
              assertThat(f.explainedNanos()).isEqualTo(195 * MS);
              assertThat(f.requestNanos()).isEqualTo(288 * MS);
              assertThat(f.requestShare()).isCloseTo(201.0 / 288, within(1e-9));
            });
    // The wire time holds 28 % of the request: analysed too, once, with its own share.
    assertThat(findings)
        .filteredOn(f -> f.span().kind() == SpanKind.CLIENT)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.slowReason()).isEqualTo("request");
              assertThat(f.requestShare()).isCloseTo(80.0 / 288, within(1e-9));
            });
    assertThat(findings).hasSize(2);
  }

  @Test
  void slowRequestThresholdAboveTheRequestLeavesItUnanalysed() {
    Analyzer strict =
        new Analyzer(
            RULES, AnalyzerSettings.defaults().withDefaultHost("node-1").withSlowRequest(300 * MS));
    requestSpreadOverTwoHops().forEach(strict::addSpan);

    assertThat(strict.finishSpans()).isEmpty();
  }

  @Test
  void nonPositiveSlowRequestIsRejectedNamingTheSetting() {
    assertThatThrownBy(() -> AnalyzerSettings.defaults().withSlowRequest(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("slowRequestNanos must be positive: 0");
  }

  /** frontend GET /checkout → frontend GET /pay (CLIENT, no local port) → backend GET /pay. */
  private static List<SpanView> clientCallWithoutLocalPort() {
    return List.of(
        span(1).op("frontend", "GET /checkout", SpanKind.SERVER).pid(4120).at(0, 1100).build(),
        span(2)
            .parent(1)
            .op("frontend", "GET /pay", SpanKind.CLIENT)
            .pid(4120)
            .attr("network.peer.address", "10.0.0.9")
            .attr("network.peer.port", 8080)
            .attr("server.address", "backend")
            .attr("server.port", 8080)
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

  @ParameterizedTest(name = "reversed = {0}")
  @ValueSource(booleans = {false, true})
  void clientSpanLearnsItsLocalPortFromItsServerChildAndJoinsRetransmitsByTuple(boolean reversed) {
    FlowKey clientSide = flow("10.0.0.2", 51544, "10.0.0.9", 8080);
    FlowKey seen = reversed ? clientSide.reversed() : clientSide;

    List<Finding> findings =
        analyze(
            clientCallWithoutLocalPort(),
            List.of(retransmit(0, seen, 600), retransmit(0, seen, 1000)));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.span().name()).isEqualTo("GET /pay");
              assertThat(f.span().kind()).isEqualTo(SpanKind.CLIENT);
              assertThat(f.selfNanos()).isEqualTo(800 * MS);
              assertThat(f.cause()).isEqualTo("tcp-retransmit");
              assertThat(f.network()).isTrue();
              assertThat(f.evidence())
                  .hasSize(2)
                  .allSatisfy(e -> assertThat(e.join()).isEqualTo("flow"));
              // 200 ms for the first retransmit (RTO min), then the 400 ms since it.
              assertThat(f.explainedNanos()).isEqualTo(600 * MS);
            });
  }

  @Test
  void retransmitOfAnotherClientPortDoesNotJoinTheClientSpan() {
    FlowKey otherConnection = flow("10.0.0.9", 8080, "10.0.0.2", 40000);

    List<Finding> findings =
        analyze(clientCallWithoutLocalPort(), List.of(retransmit(0, otherConnection, 600)));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.evidence()).isEmpty();
              // The flow was watched and nothing was caught on it: weaker wire-time evidence.
              assertThat(f.cause()).isEqualTo("wire-time");
              assertThat(f.network()).isTrue();
            });
  }

  @Test
  void softirqRetransmitJoinsByTupleOnlyNeverByTheInterruptedPid() {
    SpanView server =
        span(1)
            .op("backend", "GET /slow", SpanKind.SERVER)
            .pid(4388)
            .attr("network.peer.address", "10.0.0.2")
            .attr("network.peer.port", 51544)
            .attr("network.local.address", "10.0.0.9")
            .attr("network.local.port", 8080)
            .at(0, 1000)
            .build();
    FlowKey mine = flow("10.0.0.9", 8080, "10.0.0.2", 51544);
    FlowKey someoneElses = flow("10.0.0.9", 8080, "10.0.0.77", 40000);
    KernelEvent first = retransmit(0, mine, 700);
    KernelEvent second = retransmit(0, mine, 900);
    KernelEvent interruptedUs = retransmit(4388, someoneElses, 300);

    List<Finding> findings = analyze(List.of(server), List.of(interruptedUs, first, second));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.evidence()).extracting(Evidence::event).containsExactly(first, second);
              assertThat(f.evidence()).allSatisfy(e -> assertThat(e.join()).isEqualTo("flow"));
              assertThat(f.cause()).isEqualTo("tcp-retransmit");
              assertThat(f.explainedNanos()).isEqualTo(400 * MS);
            });
  }

  @Test
  void sleepingOffCpuAloneGivesTheApplicationVerdict() {
    SpanView report =
        span(1).op("api", "GET /report", SpanKind.SERVER).pid(4388).at(0, 600).build();
    KernelEvent sleep =
        event(EventName.SCHED_OFFCPU)
            .interval(ms(5), ms(595))
            .task(4388, 4396, "gunicorn")
            .attrs(Map.of("state", "S"))
            .source("bpftrace:offcpu.bt")
            .build();

    List<Finding> findings = analyze(List.of(report), List.of(sleep));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
              assertThat(f.cause()).isEqualTo("application");
              assertThat(f.network()).isFalse();
              assertThat(f.explainedNanos()).isEqualTo(600 * MS);
              assertThat(f.evidence()).isEmpty();
              assertThat(f.chain()).isEmpty();
            });
  }

  @Test
  void producerLossNearTheSpanLowersConfidenceAndAddsANote() {
    Analyzer withoutLoss = new Analyzer(RULES, AnalyzerSettings.defaults());
    withoutLoss.addSpan(backend());
    withoutLoss.finishSpans();
    withoutLoss.addEvent(attach(4242, "/demo-backend"));
    withoutLoss.addEvent(throttled("/demo-backend", 50, 1350));
    Finding reference = withoutLoss.findings().get(0);

    KernelEvent lost = event(EventName.PRODUCER_LOST).at(ms(1900)).value(12, "1").build();
    List<Finding> findings =
        analyze(
            List.of(backend()),
            List.of(attach(4242, "/demo-backend"), throttled("/demo-backend", 50, 1350), lost));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.cause()).isEqualTo("cpu-throttle");
              assertThat(f.confidence()).isLessThan(reference.confidence());
              assertThat(f.notes())
                  .anySatisfy(n -> assertThat(n).contains("12 events near this span were lost"));
            });
    assertThat(reference.notes()).isEmpty();
    assertThat(analyzer.lostEventsByHost()).containsEntry("node-1", 12L);
  }

  @Test
  void producerLossFarFromTheSpanChangesNothing() {
    KernelEvent lost = event(EventName.PRODUCER_LOST).at(ms(30_000)).value(12, "1").build();
    List<Finding> findings =
        analyze(
            List.of(backend()),
            List.of(attach(4242, "/demo-backend"), throttled("/demo-backend", 50, 1350), lost));

    assertThat(findings).singleElement().satisfies(f -> assertThat(f.notes()).isEmpty());
  }

  /** Two slow api calls in two traces, the second starting {@code gapMs} after the first. */
  private static List<SpanView> twoSlowCalls(double gapMs) {
    return List.of(
        span(1).trace(traceId(1)).op("api", "GET /a", SpanKind.SERVER).pid(4388).at(0, 600).build(),
        span(2)
            .trace(traceId(2))
            .op("api", "GET /b", SpanKind.SERVER)
            .pid(4388)
            .at(gapMs, gapMs + 600)
            .build());
  }

  @Test
  void hostWideBlockIoDoesNotJoinASingleSlowHop() {
    SpanView only = span(1).op("api", "GET /a", SpanKind.SERVER).pid(4388).at(0, 600).build();

    List<Finding> findings =
        analyze(List.of(only), List.of(watching("scheduler"), blockIo(10, 590)));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
              assertThat(f.evidence()).isEmpty();
            });
  }

  @Test
  void hostWideBlockIoJoinsWhenTwoSlowHopsOnTheHostAreNearInTime() {
    List<Finding> findings =
        analyze(twoSlowCalls(2000), List.of(blockIo(10, 590), blockIo(2010, 2590)));

    assertThat(findings)
        .hasSize(2)
        .allSatisfy(
            f -> {
              assertThat(f.layer()).isEqualTo(IsolationLayer.HOST);
              assertThat(f.cause()).isEqualTo("disk-latency");
              assertThat(f.evidence()).singleElement().extracting(Evidence::join).isEqualTo("host");
              assertThat(f.notes()).anySatisfy(n -> assertThat(n).contains("node-1"));
            });
  }

  @Test
  void hostWideBlockIoDoesNotJoinSlowHopsFarApartInTime() {
    List<Finding> findings =
        analyze(
            twoSlowCalls(60_000),
            List.of(watching("scheduler"), blockIo(10, 590), blockIo(60_010, 60_590)));

    assertThat(findings)
        .hasSize(2)
        .allSatisfy(f -> assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION));
  }

  @Test
  void findingsAreOrderedByExplainedTimeLargestFirst() {
    List<SpanView> spans =
        List.of(
            span(1).trace(traceId(1)).op("a", "300", SpanKind.SERVER).at(0, 300).build(),
            span(1).trace(traceId(2)).op("b", "900", SpanKind.SERVER).at(0, 900).build(),
            span(1).trace(traceId(3)).op("c", "500", SpanKind.SERVER).at(0, 500).build(),
            span(1)
                .trace(traceId(4))
                .op("d", "1000", SpanKind.SERVER)
                .pid(4242)
                .at(0, 1000)
                .build());
    List<KernelEvent> events =
        List.of(attach(4242, "/demo-backend"), throttled("/demo-backend", 100, 500));

    List<Finding> findings = analyze(spans, events);

    assertThat(findings)
        .extracting(Finding::explainedNanos)
        .containsExactly(900 * MS, 500 * MS, 400 * MS, 300 * MS);
    assertThat(findings.get(2).cause()).isEqualTo("cpu-throttle");
  }

  @Test
  void eventsOutsideEverySlowWindowAreCountedNotIndexed() {
    SpanView slow = span(1).op("api", "GET /a", SpanKind.SERVER).pid(4388).at(0, 600).build();
    KernelEvent inside = runq(4388, 4390, 100, 110);
    KernelEvent withinSkewAfterTheEnd = runq(4388, 4390, 601, 601.5);
    KernelEvent later = runq(4388, 4390, 5000, 5010);
    KernelEvent otherHost =
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-2")
            .interval(ms(100), ms(110))
            .task(4388, 4390, "worker")
            .build();

    analyze(List.of(slow), List.of(inside, withinSkewAfterTheEnd, later, otherHost));

    assertThat(analyzer.eventsIndexed()).isEqualTo(2);
    assertThat(analyzer.eventsOutsideWindows()).isEqualTo(2);
  }

  @Test
  void eventsOutsideWindowsNeverBecomeEvidence() {
    SpanView slow = span(1).op("api", "GET /a", SpanKind.SERVER).pid(4388).at(0, 600).build();

    List<Finding> findings = analyze(List.of(slow), List.of(runq(4388, 4390, 610, 900)));

    assertThat(findings).singleElement().satisfies(f -> assertThat(f.evidence()).isEmpty());
    assertThat(analyzer.eventsOutsideWindows()).isEqualTo(1);
  }

  @Test
  void spanWithoutHostNameJoinsEventsOfTheDefaultHost() {
    SpanView noHost =
        span(1).op("api", "GET /a", SpanKind.SERVER).host(null).pid(4388).at(0, 600).build();

    List<Finding> findings = analyze(List.of(noHost), List.of(runq(4388, 4390, 100, 500)));

    assertThat(findings).singleElement().extracting(Finding::cause).isEqualTo("cpu-saturation");
  }

  @Test
  void repeatedSpansAreCountedOnce() {
    analyze(List.of(backend(), backend()), List.of());
    assertThat(analyzer.spanCount()).isEqualTo(1);
    assertThat(analyzer.duplicateSpanCount()).isEqualTo(1);
    assertThat(analyzer.traceCount()).isEqualTo(1);
  }

  @Test
  void eventsBeforeTheSpanPhaseEndsAreRefused() {
    assertThatThrownBy(() -> analyzer.addEvent(runq(1, 1, 0, 1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void spansAfterTheSpanPhaseEndedAreRefused() {
    analyzer.finishSpans();
    assertThatThrownBy(() -> analyzer.addSpan(backend())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aClientSpansUncoveredTimeJoinsThePeersThrottledCgroup() {
    // frontend client span 0..1000 ms; the backend's server span only runs 600..800 ms: the
    // request waited 600 ms in the backend, whose cgroup was throttled meanwhile.
    SpanView client =
        span(2).parent(1).op("frontend", "GET /pay", SpanKind.CLIENT).pid(100).at(0, 1000).build();
    SpanView server =
        span(3).parent(2).op("backend", "GET /pay", SpanKind.SERVER).pid(4242).at(600, 800).build();
    SpanView root =
        span(1).op("frontend", "GET /checkout", SpanKind.SERVER).pid(100).at(0, 1010).build();

    List<Finding> findings =
        analyze(
            List.of(root, client, server),
            List.of(attach(4242, "/demo-backend"), throttled("/demo-backend", 0, 600)));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.span().spanId()).isEqualTo(client.spanId());
              assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
              assertThat(f.cause()).isEqualTo("cpu-throttle");
              assertThat(f.detail()).startsWith("peer cgroup /demo-backend throttled");
              assertThat(f.evidence()).extracting(Evidence::join).containsOnly("peer cgroup");
            });
  }

  @Test
  void schedulerEventsOfOtherThreadsDoNotJoinWhenTheSpanNamesItsThread() {
    SpanView server =
        span(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .pid(4242)
            .thread("pay-worker-3")
            .at(0, 1000)
            .build();
    KernelEvent gcThread =
        event(EventName.SCHED_RUNQ_LATENCY)
            .interval(ms(0), ms(900))
            .task(4242, 4250, "G1 Young RemSet")
            .build();
    KernelEvent worker =
        event(EventName.SCHED_RUNQ_LATENCY)
            .interval(ms(100), ms(400))
            .task(4242, 4260, "pay-worker-3")
            .build();

    List<Finding> findings = analyze(List.of(server), List.of(gcThread, worker));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.cause()).isEqualTo("cpu-saturation");
              assertThat(f.explainedNanos()).isEqualTo(300 * MS);
              assertThat(f.evidence()).extracting(e -> e.event().tid()).containsOnly(4260);
            });
  }

  @Test
  void eventsOfAProcessThatReusedThePidDoNotJoin() {
    // pid 4242 exits and is reused: a new process exec'd at 700 ms; its run-queue waits are not
    // the span's.
    KernelEvent exec =
        event(EventName.PROCESS_EXEC)
            .at(ms(700))
            .task(4242, 4242, "cron")
            .source("tetragon")
            .build();
    List<Finding> findings =
        analyze(
            List.of(backend()),
            List.of(exec, runq(4242, 4250, 100, 400), runq(4242, 4243, 800, 1300)));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.evidence()).extracting(e -> e.event().tid()).containsOnly(4250);
              assertThat(f.chain())
                  .singleElement()
                  .satisfies(c -> assertThat(c.explainedNanos()).isEqualTo(300 * MS));
            });
  }

  @Test
  void sampleTakenAfterTheSpanExplainsTheShareOfItsIntervalInsideIt() {
    // A cgroup sampler's reading at 2 s: 500 ms throttled somewhere in the 2 s before it, of
    // which the span's 1.41 s hold 1410/2000.
    KernelEvent sample =
        event(EventName.CPU_THROTTLED)
            .interval(ms(1500), ms(2000))
            .cgroup(0, "/demo-backend")
            .value(13, "1")
            .attrs(Map.of("interval_ns", "2000000000"))
            .source("cgroup-sampler")
            .build();

    List<Finding> findings =
        analyze(List.of(backend()), List.of(attach(4242, "/demo-backend"), sample));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.cause()).isEqualTo("cpu-throttle");
              assertThat(f.explainedNanos()).isEqualTo(352_500_000L);
            });
  }
}
