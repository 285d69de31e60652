package io.isostack.correlator.detect;

import java.util.Arrays;

/**
 * A set of disjoint, sorted half-open time intervals {@code [start, end)} in nanoseconds since the
 * Unix epoch, stored in two primitive arrays.
 *
 * <p>Used for a span's self time (its interval minus the union of its children) and for the union
 * of evidence intervals. Immutable and thread-safe.
 */
public final class Intervals {
  /** The empty set. */
  public static final Intervals EMPTY = new Intervals(new long[0], new long[0]);

  private final long[] starts;
  private final long[] ends;

  private Intervals(long[] starts, long[] ends) {
    this.starts = starts;
    this.ends = ends;
  }

  /** One interval; empty when {@code end <= start}. */
  public static Intervals of(long start, long end) {
    return end > start ? new Intervals(new long[] {start}, new long[] {end}) : EMPTY;
  }

  /**
   * The union of arbitrary intervals given as parallel arrays; the arrays are not modified.
   *
   * @param starts interval starts
   * @param ends interval ends, same length; empty or inverted intervals are ignored
   * @param count how many entries of the arrays to use
   */
  public static Intervals union(long[] starts, long[] ends, int count) {
    long[] s = new long[count];
    long[] e = new long[count];
    int m = 0;
    for (int i = 0; i < count; i++) {
      if (ends[i] > starts[i]) {
        s[m] = starts[i];
        e[m] = ends[i];
        m++;
      }
    }
    if (m == 0) {
      return EMPTY;
    }
    // Sweep over sorted starts and sorted ends: the union is where the count of open intervals > 0.
    Arrays.sort(s, 0, m);
    Arrays.sort(e, 0, m);
    long[] us = new long[m];
    long[] ue = new long[m];
    int n = 0;
    int i = 0;
    int j = 0;
    int open = 0;
    long regionStart = 0;
    while (i < m) {
      if (s[i] <= e[j]) {
        if (open++ == 0) {
          regionStart = s[i];
        }
        i++;
      } else {
        if (--open == 0) {
          us[n] = regionStart;
          ue[n] = e[j];
          n++;
        }
        j++;
      }
    }
    us[n] = regionStart;
    ue[n] = e[m - 1];
    n++;
    return new Intervals(Arrays.copyOf(us, n), Arrays.copyOf(ue, n));
  }

  /** This set minus {@code other}. */
  public Intervals minus(Intervals other) {
    long[] s = new long[starts.length + other.starts.length];
    long[] e = new long[s.length];
    int n = 0;
    int j = 0;
    for (int i = 0; i < starts.length; i++) {
      long cur = starts[i];
      long end = ends[i];
      while (j < other.starts.length && other.ends[j] <= cur) {
        j++;
      }
      int k = j;
      while (k < other.starts.length && other.starts[k] < end) {
        if (other.starts[k] > cur) {
          s[n] = cur;
          e[n] = other.starts[k];
          n++;
        }
        cur = Math.max(cur, other.ends[k]);
        k++;
      }
      if (cur < end) {
        s[n] = cur;
        e[n] = end;
        n++;
      }
    }
    return new Intervals(Arrays.copyOf(s, n), Arrays.copyOf(e, n));
  }

  /** Total length of the overlap of this set with {@code [start, end)}, in nanoseconds. */
  public long overlap(long start, long end) {
    if (end <= start || starts.length == 0) {
      return 0;
    }
    int i = Arrays.binarySearch(ends, start);
    i = i < 0 ? -i - 1 : i + 1;
    long total = 0;
    for (; i < starts.length && starts[i] < end; i++) {
      total += Math.min(end, ends[i]) - Math.max(start, starts[i]);
    }
    return total;
  }

  /** Total length of the overlap of this set with another, in nanoseconds. */
  public long overlap(Intervals other) {
    long total = 0;
    for (int i = 0; i < other.starts.length; i++) {
      total += overlap(other.starts[i], other.ends[i]);
    }
    return total;
  }

  /** Whether {@code t} lies within {@code tolerance} nanoseconds of the set. */
  public boolean near(long t, long tolerance) {
    return overlap(t - tolerance, t + tolerance + 1) > 0;
  }

  /** Sum of the lengths, in nanoseconds. */
  public long totalNanos() {
    long total = 0;
    for (int i = 0; i < starts.length; i++) {
      total += ends[i] - starts[i];
    }
    return total;
  }

  /** Number of disjoint intervals. */
  public int size() {
    return starts.length;
  }

  /** Start of the i-th interval. */
  public long start(int i) {
    return starts[i];
  }

  /** End of the i-th interval. */
  public long end(int i) {
    return ends[i];
  }

  /** Whether the set is empty. */
  public boolean isEmpty() {
    return starts.length == 0;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < starts.length; i++) {
      b.append(i == 0 ? "" : ", ").append(starts[i]).append("..").append(ends[i]);
    }
    return b.append(']').toString();
  }
}
