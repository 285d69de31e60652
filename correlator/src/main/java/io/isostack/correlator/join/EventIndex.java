package io.isostack.correlator.join;

import io.isostack.model.KernelEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Kernel events indexed per entity, in time order, found by binary search.
 *
 * <p>An event covers {@code [start, time]}; a sampled or coarsely timed one covers the whole
 * interval its stall lies somewhere in (see {@link #reachStart}), so that a window query finds a
 * sample taken after the window whose interval reaches back into it.
 *
 * <p>Each key holds its events in arrays sorted by start time, with the longest duration seen, so
 * that a window query is one binary search plus a scan over the events that can overlap: no spans ×
 * events loop. Add events in any order, then {@link #seal()} once before querying. Not thread-safe.
 */
public final class EventIndex implements EventSource {
  private static final Comparator<KernelEvent> BY_START =
      Comparator.comparingLong(EventIndex::reachStart);

  private final Map<EntityKey, Bucket> buckets = new HashMap<>();
  private final List<Bucket> unsorted = new ArrayList<>();
  private long references;
  private long events;

  /** Indexes an event under one key. */
  public void add(EntityKey key, KernelEvent event) {
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket());
    if (b.add(event)) {
      unsorted.add(b);
    }
    references++;
  }

  /**
   * Where an event can first have stalled: its start, or for a sampled or coarsely timed event the
   * start of the interval its stall lies somewhere in, if earlier (docs/METHOD.md §5, "Time").
   *
   * @param e the event
   * @return nanoseconds since the Unix epoch
   */
  public static long reachStart(KernelEvent e) {
    long interval = samplingIntervalNanos(e);
    if (interval == 0) {
      return e.startEpochNanos();
    }
    // Never before the epoch, so that no subtraction overflows.
    long reach = e.endEpochNanos() - Math.min(interval, Math.max(0, e.endEpochNanos()));
    return Math.min(e.startEpochNanos(), reach);
  }

  /**
   * The interval a sampled or coarse event's stall lies somewhere in, ending at its time: a
   * sampler's {@code attrs.interval_ns}, or the timestamp resolution of a tool that prints whole
   * seconds ({@code attrs.time_resolution_ns}, libbpf-tools); 0 for a precisely timed event.
   */
  public static long samplingIntervalNanos(KernelEvent e) {
    return Math.max(longAttr(e, "interval_ns"), longAttr(e, "time_resolution_ns"));
  }

  private static long longAttr(KernelEvent e, String key) {
    String v = e.attr(key);
    if (v == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(v));
    } catch (NumberFormatException ex) {
      return 0;
    }
  }

  /** Sorts every key's events by start time; call after the last {@link #add}. */
  public void seal() {
    for (Bucket b : unsorted) {
      b.seal();
    }
    unsorted.clear();
  }

  /**
   * Visits the events of one key that overlap {@code [from, to]} (both inclusive), in start order.
   *
   * @param key the entity
   * @param from window start, nanoseconds since the Unix epoch
   * @param to window end, nanoseconds since the Unix epoch
   * @param visitor receives each overlapping event
   * @throws IllegalStateException if the index was changed after {@link #seal()} and not resealed
   */
  @Override
  public void query(EntityKey key, long from, long to, Consumer<KernelEvent> visitor) {
    Bucket b = buckets.get(key);
    if (b != null) {
      b.query(from, to, visitor);
    }
  }

  /**
   * Counts one event as held, however many keys it is indexed under; {@link EventRouter#index}
   * calls it once per event.
   */
  void countEvent() {
    events++;
  }

  /** Number of events held (each once, whatever its number of keys). */
  public long eventCount() {
    return events;
  }

  /** Number of keys. */
  public int keyCount() {
    return buckets.size();
  }

  /** The keys that hold events, for tests. */
  Set<EntityKey> keys() {
    return Collections.unmodifiableSet(buckets.keySet());
  }

  /** Number of (key, event) references held. */
  public long referenceCount() {
    return references;
  }

  private static final class Bucket {
    private KernelEvent[] events = new KernelEvent[4];
    private long[] starts = new long[4];
    private int size;
    private long maxDurNanos;
    private boolean sorted = true;

    /** Adds an event; returns true when this makes a sorted bucket unsorted. */
    boolean add(KernelEvent e) {
      if (size == events.length) {
        events = Arrays.copyOf(events, size * 2);
        starts = Arrays.copyOf(starts, size * 2);
      }
      boolean becameUnsorted = false;
      long start = reachStart(e);
      if (sorted && size > 0 && start < starts[size - 1]) {
        sorted = false;
        becameUnsorted = true;
      }
      events[size] = e;
      starts[size] = start;
      size++;
      maxDurNanos = Math.max(maxDurNanos, e.endEpochNanos() - start);
      return becameUnsorted;
    }

    void seal() {
      if (!sorted) {
        Arrays.sort(events, 0, size, BY_START);
        for (int i = 0; i < size; i++) {
          starts[i] = reachStart(events[i]);
        }
        sorted = true;
      }
    }

    void query(long from, long to, Consumer<KernelEvent> visitor) {
      if (!sorted) {
        throw new IllegalStateException("event index queried before seal()");
      }
      // Events starting before from - maxDur cannot reach the window.
      int i = lowerBound(from - maxDurNanos);
      for (; i < size && starts[i] <= to; i++) {
        if (events[i].endEpochNanos() >= from) {
          visitor.accept(events[i]);
        }
      }
    }

    private int lowerBound(long t) {
      int lo = 0;
      int hi = size;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (starts[mid] < t) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }
}
