package io.isostack.correlator.detect;

import io.isostack.model.SpanView;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Baselines for live mode: the median of the last {@value #SAMPLES} self times of each operation,
 * and of the last durations of each request's root operation ({@link #record(Trace)}), for at most
 * {@code maxOperations} keys (the least recently updated is forgotten first).
 *
 * <p>The median is exact, as README "How a verdict is made" and docs/METHOD.md §4 step 1 define it
 * (the middle of the last samples, the upper one of an even count): each operation keeps its last
 * samples twice, in arrival order (a ring) and sorted, and a new sample replaces the oldest in the
 * sorted copy by two binary searches and one array shift ({@code O(SAMPLES)} moves, no sort). An
 * approximate sketch (t-digest, DataSketches KLL) would change which spans the baseline rule flags
 * near the 3× boundary, so it was not used (issue 11: the engine re-sorted every baseline on every
 * call). Not thread-safe: used by the engine thread only.
 */
public final class RollingBaselines implements Baselines {
  static final int SAMPLES = 101;

  /** The last samples of one operation: {@code ring} in arrival order, {@code sorted} ascending. */
  private static final class Window {
    final String operation;
    final long[] ring = new long[SAMPLES];
    final long[] sorted = new long[SAMPLES];
    int count; // samples ever recorded
    Window older; // the recency list: the least recently used at {@code eldest}
    Window newer;

    Window(String operation) {
      this.operation = operation;
    }

    void add(long nanos) {
      int held = Math.min(count, SAMPLES);
      int slot = count % SAMPLES;
      if (count >= SAMPLES) {
        int gone = Arrays.binarySearch(sorted, 0, held, ring[slot]);
        System.arraycopy(sorted, gone + 1, sorted, gone, held - gone - 1);
        held--;
      }
      ring[slot] = nanos;
      int at = Arrays.binarySearch(sorted, 0, held, nanos);
      if (at < 0) {
        at = -at - 1;
      }
      System.arraycopy(sorted, at, sorted, at + 1, held - at);
      sorted[at] = nanos;
      count++;
    }

    long median() {
      return sorted[Math.min(count, SAMPLES) / 2];
    }
  }

  private final Map<String, Window> windows = new HashMap<>();
  private final int maxOperations;
  private Window eldest;
  private Window newest;

  /**
   * Creates the baselines, keeping at most {@code maxOperations} operations (the least recently
   * seen is forgotten first).
   */
  public RollingBaselines(int maxOperations) {
    this.maxOperations = maxOperations;
  }

  /** Records one self time of an operation, in nanoseconds. */
  public void record(String operation, long selfNanos) {
    Window w = windows.get(operation);
    if (w == null) {
      w = new Window(operation);
      windows.put(operation, w);
      append(w);
      if (windows.size() > maxOperations) {
        Window gone = eldest;
        unlink(gone);
        windows.remove(gone.operation);
      }
    } else {
      touch(w);
    }
    w.add(selfNanos);
  }

  /** Makes {@code w} the most recently used (the map's entries are not moved: no rehashing). */
  private void touch(Window w) {
    if (w != newest) {
      unlink(w);
      append(w);
    }
  }

  private void append(Window w) {
    w.older = newest;
    w.newer = null;
    if (newest == null) {
      eldest = w;
    } else {
      newest.newer = w;
    }
    newest = w;
  }

  private void unlink(Window w) {
    if (w.older == null) {
      eldest = w.newer;
    } else {
      w.older.newer = w.newer;
    }
    if (w.newer == null) {
      newest = w.older;
    } else {
      w.newer.older = w.older;
    }
    w.older = null;
    w.newer = null;
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

  /**
   * {@link #record(Trace)} with each span's self time and operation given, in the order of {@link
   * Trace#spans()}, and the request operations of its roots from {@code requests}.
   */
  void record(
      Trace trace, List<Intervals> selfTimes, List<String> operations, SlowRequests requests) {
    int i = 0;
    for (SpanView s : trace.spans()) {
      record(operations.get(i), selfTimes.get(i).totalNanos());
      i++;
      if (s.isRoot()) {
        record(requests.cachedOperation(s), s.durationNanos());
      }
    }
  }

  @Override
  /** The median self time of {@code operation}, nanoseconds, or -1 when too few were seen. */
  public long median(String operation) {
    Window w = windows.get(operation);
    if (w == null || w.count < SlowSpanDetector.BASELINE_MIN_SAMPLES) {
      return -1;
    }
    touch(w); // marks the operation as used, for eviction
    return w.median();
  }
}
