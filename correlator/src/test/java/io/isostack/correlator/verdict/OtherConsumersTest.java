package io.isostack.correlator.verdict;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.detect.Trace;
import io.isostack.correlator.detect.TraceAssembler;
import io.isostack.correlator.finding.CpuConsumer;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.finding.FindingText;
import io.isostack.correlator.finding.OtherConsumers;
import io.isostack.correlator.join.Coverage;
import io.isostack.correlator.join.EventIndex;
import io.isostack.correlator.join.EventRouter;
import io.isostack.correlator.join.HostActivity;
import io.isostack.correlator.join.InterfaceDirectory;
import io.isostack.correlator.join.ProcessDirectory;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The other CPU consumers of a {@code cpu-saturation} finding: named from the {@code attrs.by_*} of
 * its scheduler evidence, ranked, and said to be unknown when the events do not name them.
 */
class OtherConsumersTest {
  private static final long MS = 1_000_000L;
  private static final VerticalStepSettings SETTINGS =
      new VerticalStepSettings(2 * MS, 0.2, 10_000 * MS, 2, 10, "node-1");

  private final ProcessDirectory processes = new ProcessDirectory();
  private final InterfaceDirectory interfaces = new InterfaceDirectory();
  private final Coverage coverage = new Coverage();
  private final EventRouter router = new EventRouter(processes, interfaces, coverage);
  private final EventIndex index = new EventIndex();

  private void add(KernelEvent... events) {
    for (KernelEvent e : events) {
      if (router.learn(e)) {
        router.index(e, index);
      }
    }
  }

  /** The backend span of pid 4242 from 0 to 1000 ms, as a slow hop, correlated. */
  private Finding correlate() {
    SpanView span =
        span(1).op("backend", "GET /pay", SpanKind.SERVER).pid(4242).at(0, 1000).build();
    TraceAssembler assembler = new TraceAssembler();
    assembler.add(span);
    Trace trace = assembler.traces().iterator().next();
    SlowSpan hop = new SlowSpan(trace, span, trace.selfTime(span), "threshold", -1);
    index.seal();
    return new VerticalStep(
            RuleTable.defaults(),
            SETTINGS,
            index,
            processes,
            interfaces,
            coverage,
            new HostActivity(List.of(hop), SETTINGS.defaultHost()),
            Map.of())
        .correlate(hop);
  }

  /** A preemption of thread 4250 of pid 4242 by {@code byTid} of {@code byPid}, as sched.bt. */
  private static KernelEvent preempted(
      double fromMs, double toMs, int byPid, int byTid, String byComm) {
    return KernelEvent.builder(EventName.SCHED_OFFCPU, "node-1")
        .interval(ms(fromMs), ms(toMs))
        .task(4242, 4250, "worker")
        .attrs(
            Map.of(
                "state",
                "R",
                "by_pid",
                Integer.toString(byPid),
                "by_tid",
                Integer.toString(byTid),
                "by_comm",
                byComm))
        .source("bpftrace:sched.bt")
        .build();
  }

  /** A run-queue wait of thread 4250 of pid 4242 that ended when {@code byComm} gave the CPU up. */
  private static KernelEvent waitedBehind(double fromMs, double toMs, int byPid, String byComm) {
    return KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
        .interval(ms(fromMs), ms(toMs))
        .task(4242, 4250, "worker")
        .attrs(
            Map.of(
                "cpu",
                "1",
                "by_pid",
                Integer.toString(byPid),
                "by_tid",
                Integer.toString(byPid),
                "by_comm",
                byComm))
        .source("bpftrace:sched.bt")
        .build();
  }

  @Test
  void cpuSaturationNamesTheProcessesThatHeldTheCpu() {
    add(
        preempted(100, 400, 7001, 7001, "stress-ng"),
        waitedBehind(450, 500, 7001, "stress-ng"),
        preempted(500, 700, 8002, 8002, "backup"));

    Finding f = correlate();

    assertThat(f.cause()).isEqualTo("cpu-saturation");
    assertThat(f.otherConsumers().observed()).isTrue();
    assertThat(f.otherConsumers().top())
        .extracting(CpuConsumer::pid, CpuConsumer::comm, CpuConsumer::waits, c -> c.waitedNanos())
        .containsExactly(tuple(7001, "stress-ng", 2, 350 * MS), tuple(8002, "backup", 1, 200 * MS));
    assertThat(FindingText.otherConsumers(f))
        .isEqualTo(
            "top other consumers: stress-ng (pid 7001) 350 ms in 2 waits, backup (pid 8002) 200 ms"
                + " in 1 wait");
  }

  @Test
  void consumersAreRankedByTheWaitTheyCausedThenByHowOftenAndOnlyTheTopThreeAreKept() {
    add(
        preempted(0, 100, 300, 300, "short-often"),
        preempted(100, 200, 300, 301, "short-often"),
        preempted(200, 300, 300, 300, "short-often"),
        preempted(300, 500, 200, 200, "once-long"),
        preempted(500, 600, 400, 400, "tie-once"),
        preempted(600, 650, 400, 400, "tie-once"),
        preempted(650, 750, 500, 500, "tie-twice"),
        preempted(750, 800, 500, 500, "tie-twice"),
        preempted(800, 850, 500, 500, "tie-twice"),
        preempted(850, 900, 600, 600, "least"));

    List<CpuConsumer> top = correlate().otherConsumers().top();

    // 300: 300 ms in 3; 500: 200 ms in 3; 200: 200 ms in 1; 400: 150 ms in 2; 600: 50 ms.
    assertThat(top).extracting(CpuConsumer::pid).containsExactly(300, 500, 200);
    assertThat(top.get(0).waits()).isEqualTo(3);
  }

  @Test
  void threadsOfOneProcessCountAsOneConsumerNamedByItsBiggestWait() {
    add(
        preempted(100, 200, 9000, 9001, "C2 CompilerThre"),
        preempted(200, 600, 9000, 9005, "pay-worker-2"));

    assertThat(correlate().otherConsumers().top())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.label()).isEqualTo("pay-worker-2 (pid 9000)");
              assertThat(c.tid()).isEqualTo(9005);
              assertThat(c.waits()).isEqualTo(2);
              assertThat(c.waitedNanos()).isEqualTo(500 * MS);
            });
  }

  @Test
  void aConsumerWhoseProcessTheProducerHadNotLearnedIsNamedByItsThread() {
    add(preempted(100, 600, -1, 7777, "kworker/1:1H"));

    assertThat(correlate().otherConsumers().top())
        .singleElement()
        .satisfies(c -> assertThat(c.label()).isEqualTo("kworker/1:1H (tid 7777)"));
  }

  @Test
  void waitsOfOtherProcessesJoinedThroughASharedCgroupDoNotCount() {
    // A neighbour in the hop's own cgroup (id 77): its preemption reaches the hop through that
    // cgroup, and it was the neighbour that waited, not the hop.
    add(
        KernelEvent.builder(EventName.SCHED_OFFCPU, "node-1")
            .interval(ms(100), ms(300))
            .task(4242, 4250, "worker")
            .cgroup(77, null)
            .attrs(Map.of("state", "R", "by_pid", "7001", "by_tid", "7001", "by_comm", "stress-ng"))
            .build(),
        KernelEvent.builder(EventName.SCHED_OFFCPU, "node-1")
            .interval(ms(300), ms(900))
            .task(7001, 7001, "stress-ng")
            .cgroup(77, null)
            .attrs(Map.of("state", "R", "by_pid", "8002", "by_tid", "8002", "by_comm", "backup"))
            .build());

    Finding f = correlate();

    assertThat(f.evidence()).extracting(e -> e.event().pid()).contains(7001);
    assertThat(f.otherConsumers().top()).extracting(CpuConsumer::comm).containsExactly("stress-ng");
  }

  @Test
  void theIdleTaskAndTheHopsOwnThreadsAreNotOtherConsumers() {
    add(preempted(100, 400, 0, 0, "swapper/1"), preempted(400, 700, 4242, 4251, "worker-2"));

    Finding f = correlate();

    assertThat(f.otherConsumers()).isEqualTo(new OtherConsumers(true, List.of()));
    assertThat(FindingText.otherConsumers(f)).startsWith("no other process held the CPU");
  }

  @Test
  void eventsThatDoNotNameWhoHeldTheCpuLeaveTheConsumersUnobserved() {
    // sched.bt before attrs.by_* (the shipped recordings), or libbpf-tools' runqslower
    add(
        KernelEvent.builder(EventName.SCHED_OFFCPU, "node-1")
            .interval(ms(100), ms(700))
            .task(4242, 4250, "worker")
            .attrs(Map.of("state", "R", "prev_state", "0", "cpu", "1"))
            .build());

    Finding f = correlate();

    assertThat(f.cause()).isEqualTo("cpu-saturation");
    assertThat(f.otherConsumers()).isEqualTo(OtherConsumers.NOT_OBSERVED);
    assertThat(FindingText.otherConsumers(f))
        .isEqualTo(
            "other consumers not observed: the scheduler events do not name the task that held"
                + " the CPU (record with samples/ebpf/sched.bt, which prints it as"
                + " attrs.by_comm)");
  }

  @Test
  void otherCausesHaveNoOtherConsumers() {
    add(
        KernelEvent.builder(EventName.CPU_THROTTLED, "node-1")
            .interval(ms(-60_000), ms(-59_900))
            .cgroup(0, "/demo-backend")
            .value(1, "1")
            .attrs(Map.of("cfs_quota_us", "50000", "cfs_period_us", "100000"))
            .build(),
        KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
            .at(ms(-60_000))
            .task(4242, 4242, "backend")
            .cgroup(0, "/demo-backend")
            .build(),
        preempted(100, 700, 7001, 7001, "stress-ng"));

    Finding f = correlate();

    assertThat(f.cause()).isEqualTo("runqueue-latency");
    assertThat(f.otherConsumers()).isNull();
    assertThat(FindingText.otherConsumers(f)).isEmpty();
  }
}
