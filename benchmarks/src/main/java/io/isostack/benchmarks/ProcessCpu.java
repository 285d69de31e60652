package io.isostack.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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
    return ticks(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /**
   * The CPU time each JIT compiler thread of process {@code pid} has used so far ({@code C1
   * CompilerThre…} and {@code C2 CompilerThre…} in {@code /proc/PID/task/TID/comm}), nanoseconds by
   * thread id. HotSpot starts and stops compiler threads as the compile queue grows and drains, so
   * a window's JIT time is {@link #jitNanosSince} of two readings: at least what the threads alive
   * at its end used.
   */
  static Map<Long, Long> jitNanos(long pid) throws IOException {
    Map<Long, Long> byThread = new HashMap<>();
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        try {
          String comm = Files.readString(task.resolve("comm"));
          if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            byThread.put(
                Long.parseLong(task.getFileName().toString()), ticks(task.resolve("stat")));
          }
        } catch (NoSuchFileException e) {
          // the thread ended between the listing and the read
        }
      }
    }
    return byThread;
  }

  /** The JIT CPU time between two {@link #jitNanos} readings, nanoseconds. */
  static long jitNanosSince(Map<Long, Long> before, Map<Long, Long> after) {
    long n = 0;
    for (Map.Entry<Long, Long> t : after.entrySet()) {
      n += t.getValue() - before.getOrDefault(t.getKey(), 0L);
    }
    return Math.max(0, n);
  }

  private static long ticks(Path stat) throws IOException {
    String s = Files.readString(stat);
    // comm (field 2) may hold spaces and parentheses: the fields after it start after the last ')'.
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK; // utime, stime
  }

  /** The 1-minute load average of the machine, from {@code /proc/loadavg}. */
  static String loadAverage() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }
}
