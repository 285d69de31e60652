package io.isostack.correlator.join;

import io.isostack.model.KernelEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The live event index: one {@link EventIndex} per slice of event end time, so that old events are
 * evicted a whole slice at a time and memory stays bounded by the retention, whatever the input
 * rate.
 *
 * <p>An event is kept in the slice of its end time ({@code time_ns}); a query visits the slices
 * that can hold an event overlapping the window: those whose end times reach the window's start. It
 * keeps the estimated bytes of what it holds ({@link #bytes()}, as the caller gives them), and can
 * shed its oldest slice early ({@link #evictOldest()}) when memory is short. Not thread-safe: owned
 * by the engine thread.
 */
public final class SlicedEventIndex implements EventSource {
  private final long sliceNanos;
  private final TreeMap<Long, EventIndex> slices = new TreeMap<>();
  private final Map<Long, long[]> sliceBytes = new HashMap<>();
  private final EventRouter router;
  private long events;
  private long bytes;

  /**
   * Creates an empty index whose slices each cover {@code sliceNanos} of event time; {@code router}
   * says under which keys an event is found.
   */
  public SlicedEventIndex(long sliceNanos, EventRouter router) {
    if (sliceNanos <= 0) {
      throw new IllegalArgumentException("sliceNanos must be positive");
    }
    this.sliceNanos = sliceNanos;
    this.router = router;
  }

  /** Indexes an event under its keys (the router decides them), with no byte estimate. */
  public void add(KernelEvent e) {
    add(e, 0);
  }

  /**
   * Indexes an event under its keys (the router decides them).
   *
   * @param eventBytes the event's estimated size, bytes, added to {@link #bytes()} while it is held
   */
  public void add(KernelEvent e, long eventBytes) {
    long slice = Math.floorDiv(e.endEpochNanos(), sliceNanos);
    router.index(e, slices.computeIfAbsent(slice, k -> new EventIndex()));
    sliceBytes.computeIfAbsent(slice, k -> new long[1])[0] += eventBytes;
    events++;
    bytes += eventBytes;
  }

  /**
   * Drops every slice whose events all ended before {@code epochNanos}.
   *
   * @return how many events were dropped
   */
  public long evictBefore(long epochNanos) {
    long limit = Math.floorDiv(epochNanos, sliceNanos);
    long dropped = 0;
    for (var it = slices.headMap(limit, false).entrySet().iterator(); it.hasNext(); ) {
      var slice = it.next();
      dropped += slice.getValue().eventCount();
      forgetBytes(slice.getKey());
      it.remove();
    }
    events -= dropped;
    return dropped;
  }

  /**
   * The start of the oldest slice held (nanoseconds since the Unix epoch): its events end in {@code
   * [start, start + sliceNanos)}; {@link Long#MIN_VALUE} when the index is empty.
   */
  public long oldestSliceStartNanos() {
    return slices.isEmpty() ? Long.MIN_VALUE : slices.firstKey() * sliceNanos;
  }

  /** The event time each slice covers, nanoseconds. */
  public long sliceNanos() {
    return sliceNanos;
  }

  /**
   * Drops the oldest slice, whatever its time (memory is short).
   *
   * @return how many events were dropped; 0 when the index is empty
   */
  public long evictOldest() {
    var first = slices.pollFirstEntry();
    if (first == null) {
      return 0;
    }
    long dropped = first.getValue().eventCount();
    forgetBytes(first.getKey());
    events -= dropped;
    return dropped;
  }

  private void forgetBytes(long slice) {
    long[] b = sliceBytes.remove(slice);
    if (b != null) {
      bytes -= b[0];
    }
  }

  /**
   * Estimated bytes of one index key: its bucket (object, event and start arrays of 4), the key
   * record and its boxed id, the hash-map node.
   */
  static final long KEY_BYTES = 240;

  /**
   * Estimated bytes of one (key, event) reference: an array slot and a start, with growth slack.
   */
  static final long REFERENCE_BYTES = 32;

  /**
   * The estimated bytes held: the events, as given to {@link #add(KernelEvent, long)}, plus the
   * index's own keys and references ({@link #KEY_BYTES}, {@link #REFERENCE_BYTES}), which dominate
   * when every event brings a new entity (host churn).
   */
  public long bytes() {
    long keys = 0;
    long references = 0;
    for (EventIndex index : slices.values()) {
      keys += index.keyCount();
      references += index.referenceCount();
    }
    return bytes + keys * KEY_BYTES + references * REFERENCE_BYTES;
  }

  /** Events held. */
  public long size() {
    return events;
  }

  @Override
  public void query(EntityKey key, long from, long to, Consumer<KernelEvent> visitor) {
    for (Map.Entry<Long, EventIndex> s :
        slices.tailMap(Math.floorDiv(from, sliceNanos), true).entrySet()) {
      EventIndex index = s.getValue();
      index.seal();
      index.query(key, from, to, visitor);
    }
  }
}
