package io.isostack.correlator.finding;

import java.util.Objects;

/**
 * Another process that held a CPU while a slow hop's threads waited for one, from the {@code
 * attrs.by_pid}/{@code by_tid}/{@code by_comm} of their scheduler events (docs/EVENTS.md).
 *
 * @param pid its process id (thread-group id), -1 when the producer had not learned it
 * @param tid one of its threads: the one whose wait counted most (the only identity when {@code
 *     pid} is -1)
 * @param comm that thread's task name, e.g. {@code stress-ng}
 * @param waits how many of the hop's waits it caused: preemptions ({@code sched.offcpu} in state
 *     {@code R}) and run-queue waits that ended when it gave the CPU up ({@code
 *     sched.runq_latency})
 * @param waitedNanos the self time those waits explain, summed over the hop's threads, nanoseconds
 */
public record CpuConsumer(int pid, int tid, String comm, int waits, long waitedNanos) {
  /** Validates: comm is required, counts are not negative. */
  public CpuConsumer {
    Objects.requireNonNull(comm, "comm");
    if (waits < 0) {
      throw new IllegalArgumentException("waits < 0: " + waits);
    }
    if (waitedNanos < 0) {
      throw new IllegalArgumentException("waitedNanos < 0: " + waitedNanos);
    }
  }

  /** How reports name it: {@code stress-ng (pid 4711)}, or {@code sh (tid 80)} without a pid. */
  public String label() {
    return comm + (pid > 0 ? " (pid " + pid + ")" : " (tid " + tid + ")");
  }
}
