package io.isostack.correlator.verdict;

import io.isostack.correlator.finding.CpuConsumer;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.OtherConsumers;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranks the other processes that held the CPU while a {@code cpu-saturation} hop waited, from the
 * {@code attrs.by_pid}, {@code by_tid} and {@code by_comm} of its {@code sched.offcpu} (state
 * {@code R}: the preemptor) and {@code sched.runq_latency} (the task that ran last before the wait
 * ended) evidence, as {@code samples/ebpf/sched.bt} prints them (docs/EVENTS.md).
 *
 * <p>A consumer is a process ({@code by_pid}), or a thread when the producer had not learned its
 * process ({@code by_pid} -1). Left out: the idle task ({@code by_tid} 0: the CPU was free) and the
 * hop's own process (its other threads are not other consumers). When some waits are of the span's
 * own {@code process.pid}, only those count: the others reached the hop through a cgroup it shares
 * with other processes (on a cgroup v1 host every task is in the v2 root, {@code cgroup.id} 1) and
 * may be other processes' waits. Each consumer is credited with the self time the waits it caused
 * explain ({@link Evidence#explainedNanos()}) and their number; the top {@link OtherConsumers#MAX}
 * are kept, most time first, then most waits, then the lower pid. Stateless.
 */
final class OtherConsumerRanking {
  /** The cause code whose findings name their other consumers (rules runq-latency, preempted). */
  static final String CPU_SATURATION = "cpu-saturation";

  private static final Comparator<CpuConsumer> RANK =
      Comparator.comparingLong(CpuConsumer::waitedNanos)
          .thenComparingInt(CpuConsumer::waits)
          .reversed()
          .thenComparingInt(CpuConsumer::pid)
          .thenComparingInt(CpuConsumer::tid);

  private OtherConsumerRanking() {}

  /**
   * The other consumers named by a hop's CPU-wait evidence.
   *
   * @param evidence the evidence of the hop's {@code cpu-saturation} candidate (every event, not
   *     only the ones the finding keeps)
   * @param spanPid the span's {@code process.pid}, or -1 when unknown
   * @return {@link OtherConsumers#NOT_OBSERVED} when no scheduler event carries {@code
   *     attrs.by_tid}
   */
  static OtherConsumers rank(List<Evidence> evidence, int spanPid) {
    boolean ownPidSeen = false;
    for (Evidence ev : evidence) {
      ownPidSeen |= spanPid > 0 && ev.event().pid() == spanPid;
    }
    boolean observed = false;
    Map<Long, Tally> byConsumer = new HashMap<>();
    for (Evidence ev : evidence) {
      KernelEvent e = ev.event();
      if ((e.name() != EventName.SCHED_OFFCPU && e.name() != EventName.SCHED_RUNQ_LATENCY)
          || (ownPidSeen && e.pid() != spanPid)) {
        continue;
      }
      int tid = intAttr(e, "by_tid");
      if (tid == Integer.MIN_VALUE) {
        continue;
      }
      observed = true;
      int pid = intAttr(e, "by_pid");
      if (tid <= 0 || (pid > 0 && pid == e.pid())) {
        continue; // the idle task, or a thread of the hop's own process
      }
      String comm = e.attr("by_comm");
      long key = pid > 0 ? pid : -(long) tid;
      byConsumer
          .computeIfAbsent(key, k -> new Tally(pid > 0 ? pid : -1))
          .add(tid, comm == null ? "?" : comm, ev.explainedNanos());
    }
    if (!observed) {
      return OtherConsumers.NOT_OBSERVED;
    }
    List<CpuConsumer> ranked = new ArrayList<>(byConsumer.size());
    for (Tally t : byConsumer.values()) {
      ranked.add(new CpuConsumer(t.pid, t.tid, t.comm, t.waits, t.waitedNanos));
    }
    ranked.sort(RANK);
    return new OtherConsumers(true, ranked.subList(0, Math.min(OtherConsumers.MAX, ranked.size())));
  }

  /** An integer attribute, or {@link Integer#MIN_VALUE} when absent or not an integer. */
  private static int intAttr(KernelEvent e, String name) {
    String v = e.attr(name);
    if (v == null) {
      return Integer.MIN_VALUE;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException notInteger) {
      return Integer.MIN_VALUE;
    }
  }

  /** One consumer while it is being counted; named after its thread whose waits counted most. */
  private static final class Tally {
    final int pid;
    int tid;
    String comm;
    long strongestNanos = -1;
    int waits;
    long waitedNanos;

    Tally(int pid) {
      this.pid = pid;
    }

    void add(int byTid, String byComm, long explainedNanos) {
      waits++;
      waitedNanos += Math.max(0, explainedNanos);
      if (explainedNanos > strongestNanos) {
        strongestNanos = explainedNanos;
        tid = byTid;
        comm = byComm;
      }
    }
  }
}
