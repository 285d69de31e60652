package io.isostack.correlator.verdict;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static io.isostack.correlator.testing.SpanBuilder.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.detect.Trace;
import io.isostack.correlator.detect.TraceAssembler;
import io.isostack.correlator.finding.ChainLink;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.join.Coverage;
import io.isostack.correlator.join.EventIndex;
import io.isostack.correlator.join.EventRouter;
import io.isostack.correlator.join.HostActivity;
import io.isostack.correlator.join.InterfaceDirectory;
import io.isostack.correlator.join.ProcessDirectory;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerticalStepTest {
  private static final RuleTable RULES = RuleTable.defaults();
  private static final long MS = 1_000_000L;
  private static final VerticalStepSettings SETTINGS =
      new VerticalStepSettings(2 * MS, 0.2, 10_000 * MS, 2, 10, "node-1");
  private static final String PEER_CID =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final FlowKey FLOW =
      new FlowKey(new Endpoint("10.0.0.1", 51234), new Endpoint("10.0.0.2", 8080), "tcp");

  private final ProcessDirectory processes = new ProcessDirectory();
  private final InterfaceDirectory interfaces = new InterfaceDirectory();
  private final Coverage coverage = new Coverage();
  private final EventRouter router = new EventRouter(processes, interfaces, coverage);
  private final EventIndex index = new EventIndex();
  private final Map<String, List<KernelEvent>> lostByHost = new HashMap<>();

  /** Feeds events the way the analyzer does: lost counts aside, directories, then the index. */
  private void add(KernelEvent... events) {
    for (KernelEvent e : events) {
      if (e.name() == EventName.PRODUCER_LOST) {
        lostByHost.computeIfAbsent(e.host(), k -> new ArrayList<>()).add(e);
      } else if (router.learn(e)) {
        router.index(e, index);
      }
    }
  }

  /** The first span as a slow hop of the trace made of all the spans. */
  private static SlowSpan hop(SpanView span, SpanView... others) {
    TraceAssembler assembler = new TraceAssembler();
    assembler.add(span);
    for (SpanView s : others) {
      assembler.add(s);
    }
    Trace trace = assembler.traces().iterator().next();
    return new SlowSpan(trace, span, trace.selfTime(span), "threshold", -1);
  }

  private Finding correlate(SlowSpan hop, SlowSpan... otherHops) {
    index.seal();
    List<SlowSpan> hops = new ArrayList<>(List.of(hop));
    hops.addAll(List.of(otherHops));
    return new VerticalStep(
            RULES,
            SETTINGS,
            index,
            processes,
            interfaces,
            coverage,
            new HostActivity(hops, SETTINGS.defaultHost()),
            lostByHost)
        .correlate(hop);
  }

  /** A backend server span of pid 4242 from 0 to 1000 ms, no children. */
  private static SpanView backend() {
    return span(1).op("backend", "GET /pay", SpanKind.SERVER).pid(4242).at(0, 1000).build();
  }

  /** A client span of pid 4242 from 0 to 1000 ms on the 5-tuple {@link #FLOW}. */
  private static SpanView client() {
    return span(1)
        .op("frontend", "POST /pay", SpanKind.CLIENT)
        .pid(4242)
        .at(0, 1000)
        .attr("network.local.address", "10.0.0.1")
        .attr("network.local.port", 51234)
        .attr("network.peer.address", "10.0.0.2")
        .attr("network.peer.port", 8080)
        .build();
  }

  private static KernelEvent runq(int tid, String comm, double fromMs, double toMs) {
    return KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
        .interval(ms(fromMs), ms(toMs))
        .task(4242, tid, comm)
        .build();
  }

  private static KernelEvent runq(double fromMs, double toMs) {
    return runq(4242, "worker", fromMs, toMs);
  }

  private static KernelEvent attach(int pid, String cgroupPath) {
    return KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
        .at(ms(-60_000))
        .task(pid, pid, "backend")
        .cgroup(0, cgroupPath)
        .build();
  }

  private static KernelEvent throttled(String cgroupPath, double fromMs, double toMs) {
    return KernelEvent.builder(EventName.CPU_THROTTLED, "node-1")
        .interval(ms(fromMs), ms(toMs))
        .cgroup(0, cgroupPath)
        .value(13, "1")
        .build();
  }

  /**
   * A CFS sample of a cgroup with a CPU limit, a minute after the spans: it joins none of them but
   * says the cgroup is CPU-limited.
   */
  /** A sample showing the cgroup's CPU limit a minute before the spans (it holds from then on). */
  private static KernelEvent cpuLimit(String cgroupPath) {
    return KernelEvent.builder(EventName.CPU_THROTTLED, "node-1")
        .interval(ms(-60_000), ms(-59_900))
        .cgroup(0, cgroupPath)
        .value(1, "1")
        .attrs(Map.of("cfs_quota_us", "50000", "cfs_period_us", "100000"))
        .build();
  }

  /**
   * The records of producers that watched {@code families} on node-1 from a minute before the spans
   * to a minute after (a {@code producer.start}, then an unrelated wait ending the recording).
   */
  private static KernelEvent[] watching(String families) {
    return new KernelEvent[] {
      KernelEvent.builder(EventName.PRODUCER_START, "node-1")
          .at(ms(-60_000))
          .attrs(Map.of("covers", families))
          .build(),
      KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
          .interval(ms(59_999), ms(60_000))
          .task(9999, 9999, "cron")
          .build()
    };
  }

  private static final String EVERY_FAMILY = "scheduler,cgroup-cpu,syscalls,block,memory,logs";

  private static KernelEvent lost(String host, double atMs, long count) {
    return KernelEvent.builder(EventName.PRODUCER_LOST, host)
        .at(ms(atMs))
        .value(count, "1")
        .build();
  }

  private static KernelEvent retransmit(double atMs) {
    return KernelEvent.builder(EventName.TCP_RETRANSMIT, "node-1")
        .at(ms(atMs))
        .task(0, 0, "swapper/1")
        .flow(FLOW, 0)
        .attrs(Map.of("state", "ESTABLISHED"))
        .build();
  }

  private static KernelEvent nic(String dev, String driver) {
    return KernelEvent.builder(EventName.NET_INTERFACE, "node-1")
        .at(ms(-60_000))
        .dev(dev)
        .attrs(Map.of("driver", driver, "saddr", "10.0.0.1"))
        .build();
  }

  private static KernelEvent blockIo(double fromMs, double toMs) {
    return KernelEvent.builder(EventName.BLOCK_IO_LATENCY, "node-1")
        .interval(ms(fromMs), ms(toMs))
        .task(977, 977, "fluent-bit")
        .dev("vda")
        .value(4096, "By")
        .build();
  }

  @Test
  void intervalEventExplainingMostOfTheSelfTimeNamesItsLayer() {
    add(runq(100, 900));

    Finding f = correlate(hop(backend()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.HOST);
    assertThat(f.network()).isFalse();
    assertThat(f.cause()).isEqualTo("cpu-saturation");
    assertThat(f.explainedNanos()).isEqualTo(800 * MS);
    assertThat(f.confidence()).isCloseTo(0.8, within(1e-9));
    assertThat(f.detail())
        .isEqualTo(
            "threads of pid 4242 (worker) waited 800 ms in the run queue; their cgroup has no CPU"
                + " limit");
    assertThat(f.evidence())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.join()).isEqualTo("process");
              assertThat(e.ruleId()).isEqualTo("runq-latency");
              assertThat(e.explainedNanos()).isEqualTo(800 * MS);
            });
  }

  @Test
  void runQueueWaitInACpuLimitedCgroupIsTheContainerLayer() {
    add(attach(4242, "/demo-backend"), cpuLimit("/demo-backend"), runq(100, 900));

    Finding f = correlate(hop(backend()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
    assertThat(f.cause()).isEqualTo("runqueue-latency");
    assertThat(f.explainedNanos()).isEqualTo(800 * MS);
    assertThat(f.evidence()).singleElement().extracting(Evidence::ruleId).isEqualTo("runq-limited");
  }

  @Test
  void tooLittleExplainedSelfTimeIsTheApplications() {
    add(watching(EVERY_FAMILY));
    add(runq(100, 250));

    Finding f = correlate(hop(backend()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
    assertThat(f.cause()).isEqualTo(Finding.APPLICATION_CAUSE);
    assertThat(f.explainedNanos()).isEqualTo(850 * MS);
    assertThat(f.confidence()).isCloseTo(0.85, within(1e-9));
    assertThat(f.detail()).isEqualTo("kernel evidence explains 150 ms of 1 s self time");
    assertThat(f.chain())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.layer()).isEqualTo(IsolationLayer.HOST);
              assertThat(c.cause()).isEqualTo("cpu-saturation");
              assertThat(c.explainedNanos()).isEqualTo(150 * MS);
            });
  }

  @Test
  void explainingExactlyTheMinimumFractionIsAKernelVerdict() {
    add(runq(100, 300));

    Finding f = correlate(hop(backend()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.HOST);
    assertThat(f.cause()).isEqualTo("cpu-saturation");
    assertThat(f.explainedNanos()).isEqualTo(200 * MS);
  }

  @Test
  void noJoinedEventsIsTheApplicationsWithAnEmptyChain() {
    add(
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .interval(ms(100), ms(900))
            .task(4243, 4243, "other")
            .build());

    Finding f = correlate(hop(backend()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
    assertThat(f.explainedNanos()).isEqualTo(1000 * MS);
    assertThat(f.chain()).isEmpty();
    assertThat(f.evidence()).isEmpty();
  }

  @Test
  void eventInsideAChildExplainsNoneOfTheParentsSelfTime() {
    SpanView child =
        span(2).parent(1).op("backend", "SELECT", SpanKind.INTERNAL).pid(4242).at(200, 800).build();
    add(runq(300, 700), runq(100, 300));

    Finding f = correlate(hop(backend(), child));

    assertThat(f.selfNanos()).isEqualTo(400 * MS);
    assertThat(f.explainedNanos()).isEqualTo(100 * MS);
    assertThat(f.evidence()).extracting(e -> e.event().startEpochNanos()).containsExactly(ms(100));
  }

  @Test
  void twoSignalsOfTheSameLayerCorroborate() {
    add(attach(4242, "/demo-backend"), throttled("/demo-backend", 100, 600), runq(400, 900));

    Finding f = correlate(hop(backend()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
    assertThat(f.cause()).isEqualTo("cpu-throttle");
    assertThat(f.explainedNanos()).isEqualTo(800 * MS);
    assertThat(f.confidence()).isCloseTo(0.9, within(1e-9));
    assertThat(f.chain())
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.signals())
                    .containsExactlyInAnyOrder("cpu.throttled", "sched.runq_latency"));
  }

  @Test
  void throttledCgroupWordsTheCpuThrottleFindingBeforeItsThreadsWaits() {
    add(attach(4242, "/demo-backend"), throttled("/demo-backend", 100, 600), runq(400, 900));

    Finding f = correlate(hop(backend()));

    assertThat(f.detail()).isEqualTo("cgroup /demo-backend throttled 500 ms of the span");
    assertThat(f.chain())
        .singleElement()
        .extracting(ChainLink::ruleId)
        .isEqualTo("cgroup-cpu-throttled");
  }

  @Test
  void signalOfAnotherLayerDoesNotCorroborate() {
    add(
        attach(4242, "/demo-backend"),
        cpuLimit("/demo-backend"),
        runq(100, 900),
        KernelEvent.builder(EventName.FS_SLOW_IO, "node-1")
            .interval(ms(100), ms(200))
            .task(4242, 4242, "backend")
            .attrs(Map.of("file", "app.log"))
            .build());

    Finding f = correlate(hop(backend()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
    assertThat(f.confidence()).isCloseTo(0.8, within(1e-9));
    assertThat(f.chain())
        .extracting(ChainLink::layer, ChainLink::cause, ChainLink::explainedNanos)
        .containsExactly(
            tuple(IsolationLayer.L3, "runqueue-latency", 800 * MS),
            tuple(IsolationLayer.HOST, "disk-latency", 100 * MS));
  }

  private static KernelEvent sampledThrottle(double atMs, double stallMs, long intervalNanos) {
    return KernelEvent.builder(EventName.CPU_THROTTLED, "node-1")
        .interval(ms(atMs - stallMs), ms(atMs))
        .cgroup(0, "/demo-backend")
        .value(13, "1")
        .attrs(Map.of("interval_ns", Long.toString(intervalNanos)))
        .build();
  }

  @Test
  void sampledStallExplainsTheShareOfItsIntervalInsideTheSpan() {
    add(attach(4242, "/demo-backend"), sampledThrottle(700, 400, 1000 * MS));

    Finding f = correlate(hop(backend()));

    assertThat(f.cause()).isEqualTo("cpu-throttle");
    assertThat(f.explainedNanos()).isEqualTo(280 * MS);
  }

  @Test
  void sampleTakenAfterTheSpanExplainsTheShareOfItsIntervalInsideTheSpan() {
    add(attach(4242, "/demo-backend"), sampledThrottle(1500, 400, 1000 * MS));

    Finding f = correlate(hop(backend()));

    assertThat(f.cause()).isEqualTo("cpu-throttle");
    assertThat(f.explainedNanos()).isEqualTo(200 * MS);
  }

  @Test
  void eventsLostNearTheSpanLowerConfidence() {
    add(runq(100, 900), lost("node-1", 1500, 5));

    Finding f = correlate(hop(backend()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.HOST);
    assertThat(f.explainedNanos()).isEqualTo(800 * MS);
    assertThat(f.confidence()).isCloseTo(0.8 * 0.7, within(1e-9));
    assertThat(f.notes())
        .containsExactly(
            "5 events near this span were lost (by producers, or shed from the live window"
                + " when memory was short): evidence may be missing, confidence lowered");
  }

  @Test
  void eventsLostFarFromTheSpanOrOnAnotherHostLeaveConfidenceAlone() {
    add(runq(100, 900), lost("node-1", 3000, 5), lost("node-2", 500, 5));

    Finding f = correlate(hop(backend()));

    assertThat(f.confidence()).isCloseTo(0.8, within(1e-9));
    assertThat(f.notes()).isEmpty();
  }

  @Test
  void retransmitsOnAVirtioSocketAreTheParavirtNetworkSlice() {
    add(nic("eth0", "virtio_net"), retransmit(300), retransmit(500), retransmit(900));

    Finding f = correlate(hop(client()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.L2);
    assertThat(f.network()).isTrue();
    assertThat(f.cause()).isEqualTo("tcp-retransmit");
    assertThat(f.explainedNanos()).isEqualTo(800 * MS);
    assertThat(f.confidence()).isCloseTo(0.8, within(1e-9));
    assertThat(f.detail()).isEqualTo("3 retransmits on 10.0.0.1:51234 -> 10.0.0.2:8080");
    assertThat(f.notes()).isEmpty();
    assertThat(f.evidence()).extracting(Evidence::join).containsOnly("flow");
  }

  @Test
  void retransmitsOnAVethSocketAreTheContainerNetworkSlice() {
    add(nic("veth1a2b", "veth"), retransmit(300), retransmit(500), retransmit(900));

    Finding f = correlate(hop(client()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
    assertThat(f.network()).isTrue();
    assertThat(f.cause()).isEqualTo("tcp-retransmit");
    assertThat(f.confidence()).isCloseTo(0.8, within(1e-9));
    assertThat(f.notes()).isEmpty();
  }

  @Test
  void retransmitsOnAnUnknownDeviceAreTakenAsL3WithLowerConfidence() {
    add(retransmit(300), retransmit(500), retransmit(900));

    Finding f = correlate(hop(client()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
    assertThat(f.network()).isTrue();
    assertThat(f.explainedNanos()).isEqualTo(800 * MS);
    assertThat(f.confidence()).isCloseTo(0.8 * 0.8, within(1e-9));
    assertThat(f.notes())
        .containsExactly(
            "the device of this hop's socket is unknown: its network slice is taken as L-3");
  }

  @Test
  void hostLevelEvidenceDoesNotJoinASingleSlowHop() {
    add(watching("scheduler"));
    add(blockIo(100, 900));

    Finding f = correlate(hop(backend()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
    assertThat(f.evidence()).isEmpty();
  }

  @Test
  void hostLevelEvidenceJoinsWhenManyHopsOnTheHostAreSlowAtOnce() {
    SpanView other =
        span(1)
            .trace(traceId(2))
            .op("orders", "GET /orders", SpanKind.SERVER)
            .pid(5151)
            .at(2000, 3000)
            .build();
    add(blockIo(100, 900));

    Finding f = correlate(hop(backend()), hop(other));

    assertThat(f.layer()).isEqualTo(IsolationLayer.HOST);
    assertThat(f.cause()).isEqualTo("disk-latency");
    assertThat(f.explainedNanos()).isEqualTo(800 * MS);
    assertThat(f.evidence()).singleElement().extracting(Evidence::join).isEqualTo("host");
    assertThat(f.notes())
        .containsExactly("many hops on host node-1 are slow at once: host-wide evidence joined");
  }

  @Test
  void spansThreadKeepsOnlyThatThreadsSchedulerEvents() {
    SpanView span =
        span(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .pid(4242)
            .thread("worker-1")
            .at(0, 1000)
            .build();
    add(runq(4243, "worker-1", 100, 400), runq(4250, "GC Thread#0", 400, 900));

    Finding f = correlate(hop(span));

    assertThat(f.explainedNanos()).isEqualTo(300 * MS);
    assertThat(f.evidence()).extracting(e -> e.event().tid()).containsExactly(4243);
  }

  @Test
  void everyThreadIsKeptWhenNoneIsTheSpansThread() {
    SpanView span =
        span(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .pid(4242)
            .thread("worker-1")
            .at(0, 1000)
            .build();
    add(runq(4244, "worker-2", 100, 400), runq(4250, "GC Thread#0", 400, 900));

    Finding f = correlate(hop(span));

    assertThat(f.explainedNanos()).isEqualTo(800 * MS);
  }

  @Test
  void eventOfAProcessThatReusedThePidDuringTheSpanDoesNotJoin() {
    add(
        KernelEvent.builder(EventName.PROCESS_EXEC, "node-1")
            .at(ms(50))
            .task(4242, 4242, "cron")
            .build(),
        runq(100, 900));

    Finding f = correlate(hop(backend()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
    assertThat(f.evidence()).isEmpty();
  }

  @Test
  void reuseOfThePidAfterTheSpanDoesNotHideItsCgroupsThrottling() {
    add(
        attach(4242, "/demo-backend"),
        throttled("/demo-backend", 100, 900),
        KernelEvent.builder(EventName.PROCESS_EXEC, "node-1")
            .at(ms(5000))
            .task(4242, 4242, "cron")
            .build());

    Finding f = correlate(hop(backend()));

    assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
    assertThat(f.cause()).isEqualTo("cpu-throttle");
    assertThat(f.explainedNanos()).isEqualTo(800 * MS);
  }

  @Test
  void waitsOfAHostProcessWhosePidTheContainerReusedLaterDoNotJoinTheContainersSpan() {
    String cid = "c60f8fe0a62695279070962c5fdd707eb8d3af23681c2889290464c5c9307bec";
    SpanView span =
        span(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .pid(1)
            .container(cid)
            .at(0, 1000)
            .build();
    add(
        attach(5000, "/system.slice/cron.service"),
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .interval(ms(100), ms(900))
            .task(5000, 5000, "cron")
            .build(),
        KernelEvent.builder(EventName.PROCESS_EXIT, "node-1")
            .at(ms(2000))
            .task(5000, 5000, "cron")
            .build(),
        KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
            .at(ms(3000))
            .task(5000, 5000, "java")
            .cgroup(0, "/docker/" + cid)
            .build());

    Finding f = correlate(hop(span));

    assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION);
    assertThat(f.evidence()).isEmpty();
  }

  /** A client span of pid 4242 whose server-side child runs in the container {@link #PEER_CID}. */
  private static SlowSpan clientOfAPeerContainer() {
    SpanView caller =
        span(1)
            .op("frontend", "POST /pay", SpanKind.CLIENT)
            .pid(4242)
            .executable("java")
            .at(0, 1000)
            .build();
    SpanView server =
        span(2)
            .parent(1)
            .op("payment", "POST /pay", SpanKind.SERVER)
            .pid(1)
            .container(PEER_CID)
            .at(100, 900)
            .build();
    return hop(caller, server);
  }

  @Test
  void peersThrottledCgroupDoesNotMakeTheClientsOwnWaitsThrottling() {
    add(throttled("/docker/" + PEER_CID, 0, 100), runq(900, 1000));

    Finding f = correlate(clientOfAPeerContainer());

    assertThat(f.evidence())
        .filteredOn(e -> e.event().name() == EventName.SCHED_RUNQ_LATENCY)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.ruleId()).isEqualTo("runq-latency");
              assertThat(e.cause()).isEqualTo("cpu-saturation");
              assertThat(e.layer()).isEqualTo(IsolationLayer.HOST);
            });
  }

  @Test
  void peersCpuLimitDoesNotMakeTheClientsOwnWaitsTheContainerLayers() {
    add(cpuLimit("/docker/" + PEER_CID), runq(900, 1000));

    Finding f = correlate(clientOfAPeerContainer());

    assertThat(f.evidence())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.ruleId()).isEqualTo("runq-latency");
              assertThat(e.layer()).isEqualTo(IsolationLayer.HOST);
            });
  }

  @Test
  void peersOwnWaitsInItsCpuLimitedCgroupAreTheContainerLayers() {
    add(
        cpuLimit("/docker/" + PEER_CID),
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .interval(ms(50), ms(100))
            .task(5000, 5001, "java")
            .cgroup(0, "/docker/" + PEER_CID)
            .build());

    Finding f = correlate(clientOfAPeerContainer());

    assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
    assertThat(f.cause()).isEqualTo("runqueue-latency");
    assertThat(f.evidence())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.ruleId()).isEqualTo("runq-limited");
              assertThat(e.join()).isEqualTo("peer container");
            });
  }

  @Test
  void clientsOwnCpuLimitDoesNotMakeThePeersWaitsTheContainerLayers() {
    add(
        attach(4242, "/demo-frontend"),
        cpuLimit("/demo-frontend"),
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .interval(ms(50), ms(100))
            .task(5000, 5001, "java")
            .cgroup(0, "/docker/" + PEER_CID)
            .build());

    Finding f = correlate(clientOfAPeerContainer());

    assertThat(f.evidence())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.ruleId()).isEqualTo("runq-latency");
              assertThat(e.layer()).isEqualTo(IsolationLayer.HOST);
            });
  }

  @Test
  void peersOwnWaitsUnderItsThrottledCgroupAreStillThrottling() {
    add(
        throttled("/docker/" + PEER_CID, 0, 50),
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .interval(ms(50), ms(100))
            .task(5000, 5001, "java")
            .cgroup(0, "/docker/" + PEER_CID)
            .build());

    Finding f = correlate(clientOfAPeerContainer());

    assertThat(f.cause()).isEqualTo("cpu-throttle");
    assertThat(f.explainedNanos()).isEqualTo(100 * MS);
    assertThat(f.evidence())
        .extracting(Evidence::ruleId)
        .containsExactlyInAnyOrder("cgroup-cpu-throttled", "runq-under-quota");
  }

  @Test
  void peersSandboxDoesNotPutTheClientsOwnDenialsInTheSandboxLayer() {
    add(
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .interval(ms(0), ms(50))
            .task(5000, 5001, "runsc-sandbox")
            .cgroup(0, "/docker/" + PEER_CID)
            .build(),
        KernelEvent.builder(EventName.SYSCALL_ERROR, "node-1")
            .at(ms(950))
            .task(4242, 4242, "java")
            .attrs(Map.of("syscall", "connect", "errno", "EPERM"))
            .build());

    Finding f = correlate(clientOfAPeerContainer());

    assertThat(f.evidence())
        .filteredOn(e -> e.event().name() == EventName.SYSCALL_ERROR)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.ruleId()).isEqualTo("seccomp-denied");
              assertThat(e.layer()).isEqualTo(IsolationLayer.L3);
            });
  }

  @Test
  void evidenceOfTheServerSideChildsContainerIsLabelledPeer() {
    SpanView caller =
        span(1).op("frontend", "POST /pay", SpanKind.CLIENT).pid(4242).at(0, 1000).build();
    SpanView server =
        span(2)
            .parent(1)
            .op("payment", "POST /pay", SpanKind.SERVER)
            .pid(1)
            .container(PEER_CID)
            .at(100, 900)
            .build();
    add(
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .interval(ms(0), ms(100))
            .task(5000, 5001, "java")
            .cgroup(0, "/docker/" + PEER_CID)
            .build());

    Finding f = correlate(hop(caller, server));

    assertThat(f.selfNanos()).isEqualTo(200 * MS);
    assertThat(f.layer()).isEqualTo(IsolationLayer.HOST);
    assertThat(f.cause()).isEqualTo("cpu-saturation");
    assertThat(f.explainedNanos()).isEqualTo(100 * MS);
    assertThat(f.evidence())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.join()).isEqualTo("peer container");
              assertThat(e.entity()).isEqualTo("peer pid 5000 tid 5001 (java)");
            });
  }
}
