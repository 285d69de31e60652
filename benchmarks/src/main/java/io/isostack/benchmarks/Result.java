package io.isostack.benchmarks;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One {@link OverloadBench} run: what the client sent and had acknowledged, what the server
 * received, evaluated and dropped by reason, and its memory. Passes when every acknowledged record
 * is evaluated or counted by reason, the accounted memory and the live heap (after a full
 * collection, {@link LiveSet}) stayed within the hard limit, the engine stayed healthy and the
 * server exited 0 on SIGTERM.
 *
 * @param maxLive the largest live-heap sample, or null when none was taken
 * @param unhealthySamples {@code /healthz} samples (every 200 ms) answered other than 200
 * @param unansweredSamples {@code /healthz} samples not answered within 5 s (printed; they fail no
 *     run: on a machine whose CPUs are taken by others a sample can wait for a time slice)
 */
record Result(
    String name,
    long sent,
    long elapsedNanos,
    long acked,
    long refusals,
    long clientFailed,
    long received,
    long evaluated,
    Map<String, Long> drops,
    long accountedHighWater,
    long hardLimit,
    long maxHeap,
    long maxHeapAfterGc,
    long heapMax,
    LiveSet.Sample maxLive,
    long unhealthySamples,
    long unansweredSamples,
    long healthz,
    int exit) {

  static final String HEADER =
      "run            sent  offered/s      acked  refused  client-dropped   received  evaluated"
          + "  server-dropped  unaccounted  accounted-max / hard MiB  heap-max  heap-after-GC-max"
          + "  live-max (accounted then) MiB  healthy  exit  verdict";

  Result {
    drops = new TreeMap<>(drops);
  }

  long dropped() {
    long n = 0;
    for (long v : drops.values()) {
      n += v;
    }
    return n;
  }

  /** Acknowledged records neither evaluated nor counted in a drop counter. */
  long unaccounted() {
    return Math.max(0, acked - (evaluated + dropped()));
  }

  boolean pass() {
    return unaccounted() == 0
        && received >= acked
        && accountedHighWater <= hardLimit
        && (maxLive == null || maxLive.liveBytes() <= hardLimit)
        && unhealthySamples == 0
        && healthz == 200
        && exit == 0;
  }

  /** What the largest live heap held, or why there is none. */
  String liveText() {
    return maxLive == null
        ? "not measured (no jcmd, or --live-every 0)"
        : String.format(
            Locale.ROOT,
            "%.0f MiB live (accounted %.0f MiB): %s",
            maxLive.liveBytes() / 1048576.0,
            maxLive.accountedBytes() / 1048576.0,
            maxLive.top());
  }

  String dropsText() {
    return drops.isEmpty() ? "none" : drops.toString();
  }

  String row() {
    return String.format(
        Locale.ROOT,
        "%-13s %9d %10.0f %10d %8d %15d %10d %10d %15d %12d %12.0f / %-10.0f %9.0f %19.0f"
            + " %14s %-14s %8s %5d  %s",
        name,
        sent,
        sent / (elapsedNanos / 1e9),
        acked,
        refusals,
        clientFailed,
        received,
        evaluated,
        dropped(),
        unaccounted(),
        accountedHighWater / 1048576.0,
        hardLimit / 1048576.0,
        maxHeap / 1048576.0,
        maxHeapAfterGc / 1048576.0,
        maxLive == null ? "-" : String.format(Locale.ROOT, "%.0f", maxLive.liveBytes() / 1048576.0),
        maxLive == null
            ? ""
            : String.format(Locale.ROOT, "(%.0f)", maxLive.accountedBytes() / 1048576.0),
        (unhealthySamples == 0 && healthz == 200 ? "yes" : "NO")
            + (unansweredSamples == 0 ? "" : " (" + unansweredSamples + " slow)"),
        exit,
        pass() ? "pass" : "FAIL");
  }
}
