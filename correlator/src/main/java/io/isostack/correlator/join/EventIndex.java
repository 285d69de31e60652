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
 * <p>Each key holds its events in arrays sorted by start time, with the longest duration seen, so
 * that a window query is one binary search plus a scan over the events that can overlap: no spans ×
 * events loop. Add events in any order, then {@link #seal()} once before querying. Not thread-safe.
 */
public final class EventIndex implements EventSource {
  private static final Comparator<KernelEvent> BY_START =
      Comparator.comparingLong(KernelEvent::startEpochNanos);

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
      if (sorted && size > 0 && e.startEpochNanos() < starts[size - 1]) {
        sorted = false;
        becameUnsorted = true;
      }
      events[size] = e;
      starts[size] = e.startEpochNanos();
      size++;
      maxDurNanos = Math.max(maxDurNanos, e.durNanos());
      return becameUnsorted;
    }

    void seal() {
      if (!sorted) {
        Arrays.sort(events, 0, size, BY_START);
        for (int i = 0; i < size; i++) {
          starts[i] = events[i].startEpochNanos();
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
