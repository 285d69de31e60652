package io.isostack.benchmarks;

/** Kernel events for the live benchmarks ({@link OverloadBench}, {@link LiveLoad}), as NDJSON. */
final class BenchEvents {
  private BenchEvents() {}

  /**
   * Appends one {@code sched.runq_latency} event of 50 µs, as the HTTP event endpoint takes it: one
   * line, the thread id the pid, cgroup {@code /kubepods/pod<pid>}.
   */
  static void runqLatency(StringBuilder b, String host, long timeNs, int pid) {
    b.append("{\"event.name\":\"sched.runq_latency\",\"host.name\":\"")
        .append(host)
        .append("\",\"time_ns\":")
        .append(timeNs)
        .append(",\"pid\":")
        .append(pid)
        .append(",\"tid\":")
        .append(pid)
        .append(",\"comm\":\"java\",\"cgroup.path\":\"/kubepods/pod")
        .append(pid)
        .append("\",\"dur_ns\":50000}\n");
  }
}
