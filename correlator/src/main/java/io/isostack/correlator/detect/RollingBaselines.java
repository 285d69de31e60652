package io.isostack.correlator.detect;

import io.isostack.model.SpanView;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Baselines for live mode: the median of the last {@value #SAMPLES} self times of each operation,
 * and of the last durations of each request's root operation ({@link #record(Trace)}), for at most
 * {@code maxOperations} keys (the least recently updated is forgotten first). A median is sorted
 * once and kept until its operation records again (issue 11: the live engine re-sorted every
 * baseline on every call). Not thread-safe: used by the engine thread only.
 */
public final class RollingBaselines implements Baselines {
  static final int SAMPLES = 101;

  private final Map<String, long[]> rings;
  private final Map<String, Integer> counts = new HashMap<>();
  private final Map<String, Long> medians = new HashMap<>();

  /**
   * Creates the baselines, keeping at most {@code maxOperations} operations (the least recently
   * seen is forgotten first).
   */
  public RollingBaselines(int maxOperations) {
    this.rings =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            boolean evict = size() > maxOperations;
            if (evict) {
              counts.remove(eldest.getKey());
              medians.remove(eldest.getKey());
            }
            return evict;
          }
        };
  }

  /** Records one self time of an operation, in nanoseconds. */
  public void record(String operation, long selfNanos) {
    long[] ring = rings.computeIfAbsent(operation, k -> new long[SAMPLES]);
    int n = counts.merge(operation, 1, Integer::sum);
    ring[(n - 1) % SAMPLES] = selfNanos;
    medians.remove(operation);
  }

  /**
   * Records a trace once it has been evaluated: every span's self time, and the duration of each
   * root span as a request of its root operation, in nanoseconds.
   */
  public void record(Trace trace) {
    for (SpanView s : trace.spans()) {
      record(SlowSpanDetector.operation(s), trace.selfTime(s).totalNanos());
      if (s.isRoot()) {
        record(SlowRequests.operation(s), s.durationNanos());
      }
    }
  }

  @Override
  /** The median self time of {@code operation}, nanoseconds, or -1 when too few were seen. */
  public long median(String operation) {
    Integer n = counts.get(operation);
    if (n == null || n < SlowSpanDetector.BASELINE_MIN_SAMPLES) {
      return -1;
    }
    long[] ring = rings.get(operation); // also marks the operation as used, for eviction
    Long cached = medians.get(operation);
    if (cached != null) {
      return cached;
    }
    long[] sorted = Arrays.copyOf(ring, Math.min(n, SAMPLES));
    Arrays.sort(sorted);
    long median = sorted[sorted.length / 2];
    medians.put(operation, median);
    return median;
  }
}
