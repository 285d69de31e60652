package io.isostack.correlator.engine;

import io.isostack.correlator.receiver.MemoryLimiter;
import java.util.Objects;

/**
 * The memory bounds of live correlation ({@code correlator serve}).
 *
 * @param memory the limiter every buffer is accounted in; the receivers refuse above its soft limit
 * @param maxSpansPerTrace a trace reaching this many spans is evaluated at once, and its later
 *     spans are counted ({@code trace-span-cap}) and dropped; default 10 000
 * @param maxProcesses the most (host, pid) entries in the process directory; beyond it the least
 *     recently seen hosts are forgotten (counted); default: what a tenth of the hard limit holds
 */
public record LiveLimits(MemoryLimiter memory, int maxSpansPerTrace, int maxProcesses) {
  /** The default span cap of a trace. */
  public static final int DEFAULT_MAX_SPANS_PER_TRACE = 10_000;

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the setting when a cap is not positive
   */
  public LiveLimits {
    Objects.requireNonNull(memory, "memory");
    if (maxSpansPerTrace <= 0) {
      throw new IllegalArgumentException("maxSpansPerTrace must be positive: " + maxSpansPerTrace);
    }
    if (maxProcesses <= 0) {
      throw new IllegalArgumentException("maxProcesses must be positive: " + maxProcesses);
    }
  }

  /** The default caps around {@code memory}. */
  public static LiveLimits defaults(MemoryLimiter memory) {
    long processes = memory.hardLimitBytes() / 10 / Footprint.PROCESS_ENTRY_BYTES;
    return new LiveLimits(
        memory,
        DEFAULT_MAX_SPANS_PER_TRACE,
        (int) Math.max(1_000, Math.min(processes, 10_000_000)));
  }

  /** The defaults for this JVM's heap ({@link MemoryLimiter#forHeap}). */
  public static LiveLimits forThisHeap() {
    return defaults(MemoryLimiter.forHeap(Runtime.getRuntime().maxMemory()));
  }
}
