package io.isostack.correlator.detect;

import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The traces being assembled in live mode, and when each becomes complete.
 *
 * <p>A trace is complete when its root span has ended and no span of it arrived for the idle time;
 * one whose root never arrives is complete after the timeout. A span of a trace already evaluated
 * is late: it is counted and dropped. At most {@code maxTraces} are buffered; the oldest is evicted
 * first (the engine refuses new spans before that happens). A trace that reaches {@code
 * maxSpansPerTrace} spans is complete at once (a trace that never ends cannot fill the heap); later
 * spans of it are counted as over the cap and dropped. The buffer keeps the estimated bytes of the
 * spans it holds ({@link #bytes()}), as the caller gives them. Times are the engine's clock
 * (nanoseconds since the Unix epoch), non-decreasing from call to call.
 *
 * <p>Completion does not scan the buffer (issue 11): pending traces sit in three queues in order of
 * their last arrival (with a root: due at the idle time after it; without: at the timeout; capped:
 * at once), a span moves its trace to the tail of its queue, and {@link #complete} takes only the
 * due heads: {@code O(1)} per span and per completed trace. Not thread-safe: owned by the engine
 * thread.
 */
public final class LiveTraces {
  /**
   * A trace ready for evaluation, with when it became complete and the estimated bytes of its
   * spans.
   */
  public record Completed(Trace trace, long completedEpochNanos, long bytes) {}

  private static final class Pending {
    final Trace trace;
    final long seq;
    long lastArrival;
    long bytes;
    boolean hasRoot;
    boolean capped;
    Due queue;
    Pending prev;
    Pending next;

    Pending(Trace trace, long seq) {
      this.trace = trace;
      this.seq = seq;
    }
  }

  /**
   * Pending traces in order of their last arrival: a doubly linked list through {@link Pending}.
   */
  private static final class Due {
    Pending head;
    Pending tail;

    /** Inserts {@code p} after the last trace that arrived no later (the tail, when in order). */
    void insert(Pending p) {
      Pending after = tail;
      while (after != null && after.lastArrival > p.lastArrival) {
        after = after.prev;
      }
      p.queue = this;
      p.prev = after;
      p.next = after == null ? head : after.next;
      if (after == null) {
        head = p;
      } else {
        after.next = p;
      }
      if (p.next == null) {
        tail = p;
      } else {
        p.next.prev = p;
      }
    }

    static void unlink(Pending p) {
      Due q = p.queue;
      if (q == null) {
        return;
      }
      if (p.prev == null) {
        q.head = p.next;
      } else {
        p.prev.next = p.next;
      }
      if (p.next == null) {
        q.tail = p.prev;
      } else {
        p.next.prev = p.prev;
      }
      p.queue = null;
      p.prev = null;
      p.next = null;
    }
  }

  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Due withRoot = new Due();
  private final Due rootless = new Due();
  private final Due capped = new Due();
  private final Map<String, Boolean> evaluated;
  private final int maxTraces;
  private final int maxSpansPerTrace;
  private long created;
  private long late;
  private long overCap;
  private long evicted;
  private long evictedSpans;
  private long duplicates;
  private long bytes;

  /**
   * Creates an empty buffer holding at most {@code maxTraces} traces (and remembering as many
   * evaluated trace ids), with no span cap.
   */
  public LiveTraces(int maxTraces) {
    this(maxTraces, Integer.MAX_VALUE);
  }

  /**
   * Creates an empty buffer holding at most {@code maxTraces} traces of at most {@code
   * maxSpansPerTrace} spans each.
   *
   * @throws IllegalArgumentException if a limit is not positive
   */
  public LiveTraces(int maxTraces, int maxSpansPerTrace) {
    if (maxTraces <= 0 || maxSpansPerTrace <= 0) {
      throw new IllegalArgumentException("maxTraces and maxSpansPerTrace must be positive");
    }
    this.maxTraces = maxTraces;
    this.maxSpansPerTrace = maxSpansPerTrace;
    this.evaluated =
        new LinkedHashMap<>() {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > maxTraces;
          }
        };
  }

  /** Adds a span at engine time {@code now} with no byte estimate. */
  public void add(SpanView span, long now) {
    add(span, now, 0);
  }

  /**
   * Adds a span at engine time {@code now} (nanoseconds since the Unix epoch); a span of an
   * evaluated trace is counted as late (or as over the cap, when its trace was cut there), and the
   * oldest pending trace is evicted when the buffer is full.
   *
   * @param spanBytes the span's estimated size, bytes, added to {@link #bytes()} while it is held
   * @return whether the span is held now (false: counted as late or over the cap, or a duplicate)
   */
  public boolean add(SpanView span, long now, long spanBytes) {
    Boolean cut = evaluated.get(span.traceId());
    if (cut != null) {
      if (cut) {
        overCap++;
      } else {
        late++;
      }
      return false;
    }
    Pending p = pending.get(span.traceId());
    if (p == null) {
      if (pending.size() >= maxTraces) {
        Iterator<Pending> oldest = pending.values().iterator();
        Pending gone = oldest.next();
        Due.unlink(gone);
        bytes -= gone.bytes;
        evictedSpans += gone.trace.size();
        oldest.remove();
        evicted++;
      }
      p = new Pending(new Trace(span.traceId()), created++);
      pending.put(span.traceId(), p);
    }
    if (p.capped) {
      overCap++;
      return false;
    }
    if (!p.trace.add(span)) {
      duplicates++;
      return false;
    }
    p.bytes += spanBytes;
    bytes += spanBytes;
    p.lastArrival = now;
    p.hasRoot |= span.isRoot();
    p.capped = p.trace.size() >= maxSpansPerTrace;
    Due.unlink(p);
    (p.capped ? capped : p.hasRoot ? withRoot : rootless).insert(p);
    return true;
  }

  /**
   * Removes and returns the traces complete at {@code now}, in the order their first spans arrived.
   */
  public List<Completed> complete(long now, long idleNanos, long timeoutNanos) {
    List<Pending> due = new ArrayList<>();
    take(capped, Long.MAX_VALUE, due);
    take(withRoot, now - idleNanos, due);
    take(rootless, now - timeoutNanos, due);
    if (!inFirstArrivalOrder(due)) {
      due.sort(BY_SEQ);
    }
    List<Completed> done = new ArrayList<>(due.size());
    for (Pending p : due) {
      pending.remove(p.trace.traceId());
      bytes -= p.bytes;
      evaluated.put(p.trace.traceId(), p.capped);
      long at = p.capped ? now : p.lastArrival + (p.hasRoot ? idleNanos : timeoutNanos);
      done.add(new Completed(p.trace, at, p.bytes));
    }
    return done;
  }

  private static final Comparator<Pending> BY_SEQ = Comparator.comparingLong(p -> p.seq);

  /** Whether {@code due} is in the order its traces first arrived (usually: no sort needed). */
  private static boolean inFirstArrivalOrder(List<Pending> due) {
    for (int i = 1; i < due.size(); i++) {
      if (due.get(i - 1).seq > due.get(i).seq) {
        return false;
      }
    }
    return true;
  }

  /** Unlinks the heads of {@code queue} that last arrived at or before {@code arrivedBy}. */
  private static void take(Due queue, long arrivedBy, List<Pending> into) {
    while (queue.head != null && queue.head.lastArrival <= arrivedBy) {
      Pending p = queue.head;
      Due.unlink(p);
      into.add(p);
    }
  }

  /** Removes and returns every buffered trace (at shutdown), complete or not. */
  public List<Completed> drain(long now) {
    List<Completed> all = new ArrayList<>();
    for (Pending p : pending.values()) {
      all.add(new Completed(p.trace, now, p.bytes));
    }
    pending.clear();
    withRoot.head = withRoot.tail = null;
    rootless.head = rootless.tail = null;
    capped.head = capped.tail = null;
    bytes = 0;
    return all;
  }

  /** Spans that arrived for a trace already evaluated (counted, not buffered). */
  public long late() {
    return late;
  }

  /** Spans of traces evicted unevaluated (see {@link #evicted()}). */
  public long evictedSpans() {
    return evictedSpans;
  }

  /** Spans dropped because their trace already held a span of the same id (resent, not lost). */
  public long duplicates() {
    return duplicates;
  }

  /** Spans dropped because their trace had reached the span cap. */
  public long overCap() {
    return overCap;
  }

  /** The estimated bytes of the spans held, as given to {@link #add(SpanView, long, long)}. */
  public long bytes() {
    return bytes;
  }

  /** Traces evicted unevaluated because {@code maxTraces} were buffered. */
  public long evicted() {
    return evicted;
  }

  /** Traces buffered now. */
  public int size() {
    return pending.size();
  }
}
