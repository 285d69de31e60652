package io.isostack.correlator.rules;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * When the request queue of each virtio-blk disk was at its depth (its virtqueue full), from the
 * {@code block.queue_full} events joined to a slow hop: the virtqueue evidence without which block
 * I/O latency stays {@code host} (docs/METHOD.md §3.2, "It would be L-2 only with virtqueue
 * evidence"). Immutable and thread-safe.
 */
public final class QueueFullWindows {
  /** No queue was seen at its depth. */
  public static final QueueFullWindows NONE = new QueueFullWindows(Map.of());

  /** Per device name, the windows as {@code [start0, end0, start1, end1...]}, epoch ns. */
  private final Map<String, long[]> windows;

  /** The span whose waits are judged ({@link #coversAny}), epoch ns; unbounded by default. */
  private final long spanFrom;

  private final long spanTo;

  private QueueFullWindows(Map<String, long[]> windows) {
    this(windows, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  private QueueFullWindows(Map<String, long[]> windows, long spanFrom, long spanTo) {
    this.windows = windows;
    this.spanFrom = spanFrom;
    this.spanTo = spanTo;
  }

  /**
   * The same windows, judging a device-less wait ({@link #coversAny}) only by its part inside a
   * span: a wait begun before the span, while a queue was full, is not L-2 for the span unless the
   * queue was full during the span too.
   *
   * @param fromEpochNanos the span's start
   * @param toEpochNanos the span's end
   */
  public QueueFullWindows during(long fromEpochNanos, long toEpochNanos) {
    return windows.isEmpty() ? this : new QueueFullWindows(windows, fromEpochNanos, toEpochNanos);
  }

  /**
   * The windows of some devices.
   *
   * @param byDevice per device name ({@code vda}), the windows {@code [startEpochNanos,
   *     endEpochNanos]} during which its queue was at its depth
   * @throws NullPointerException if the map, a name or a window is null
   * @throws IllegalArgumentException if a window is not two times in order
   */
  public static QueueFullWindows of(Map<String, List<long[]>> byDevice) {
    Map<String, long[]> flat = new HashMap<>();
    for (Map.Entry<String, List<long[]>> d : byDevice.entrySet()) {
      List<long[]> list = d.getValue();
      long[] w = new long[list.size() * 2];
      for (int i = 0; i < list.size(); i++) {
        long[] one = Objects.requireNonNull(list.get(i), "window");
        if (one.length != 2 || one[1] < one[0]) {
          throw new IllegalArgumentException(
              "window: want [start, end], got " + Arrays.toString(one));
        }
        w[2 * i] = one[0];
        w[2 * i + 1] = one[1];
      }
      flat.put(Objects.requireNonNull(d.getKey(), "device"), w);
    }
    return flat.isEmpty() ? NONE : new QueueFullWindows(Map.copyOf(flat));
  }

  /**
   * Whether the queue of a device was at its depth at some time in an interval.
   *
   * @param dev the device name, or null (never covered)
   * @param startEpochNanos the interval's start
   * @param endEpochNanos the interval's end
   */
  public boolean covers(String dev, long startEpochNanos, long endEpochNanos) {
    long[] w = dev == null ? null : windows.get(dev);
    return w != null && overlaps(w, startEpochNanos, endEpochNanos);
  }

  /**
   * Whether the queue of any virtio-blk disk was at its depth at some time in an interval: for a
   * wait that names no device (a thread in uninterruptible sleep); only the interval's part inside
   * the span ({@link #during}) counts.
   */
  public boolean coversAny(long startEpochNanos, long endEpochNanos) {
    long start = Math.max(startEpochNanos, spanFrom);
    long end = Math.min(endEpochNanos, spanTo);
    if (start > end) {
      return false;
    }
    for (long[] w : windows.values()) {
      if (overlaps(w, start, end)) {
        return true;
      }
    }
    return false;
  }

  private static boolean overlaps(long[] w, long startEpochNanos, long endEpochNanos) {
    for (int i = 0; i < w.length; i += 2) {
      if (w[i] <= endEpochNanos && w[i + 1] >= startEpochNanos) {
        return true;
      }
    }
    return false;
  }
}
