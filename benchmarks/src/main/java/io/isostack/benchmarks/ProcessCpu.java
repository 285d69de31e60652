package io.isostack.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time a process has used, user plus system, from {@code /proc/PID/stat} (fields 14 and 15,
 * in clock ticks of {@code USER_HZ}, 100 per second on Linux: proc(5)). CPU time, not wall time, is
 * the figure on a shared machine: what other processes take does not count against the server.
 */
final class ProcessCpu {
  private static final long NANOS_PER_TICK = 10_000_000L;

  private ProcessCpu() {}

  /** The CPU time process {@code pid} has used so far, nanoseconds. */
  static long nanos(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // comm (field 2) may hold spaces and parentheses: the fields after it start after the last ')'.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
    return ticks * NANOS_PER_TICK;
  }

  /** The 1-minute load average of the machine, from {@code /proc/loadavg}. */
  static String loadAverage() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }
}
