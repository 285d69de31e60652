package io.isostack.correlator.detect;

import io.isostack.model.SpanView;
import java.util.ArrayList;
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
 * first. Times are the engine's clock (nanoseconds since the Unix epoch). Not thread-safe: owned by
 * the engine thread.
 */
public final class LiveTraces {
  /** A trace ready for evaluation, with when it became complete. */
  public record Completed(Trace trace, long completedEpochNanos) {}

  private static final class Pending {
    final Trace trace;
    long lastArrival;
    boolean hasRoot;

    Pending(Trace trace) {
      this.trace = trace;
    }
  }

  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Map<String, Boolean> evaluated;
  private final int maxTraces;
  private long late;
  private long evicted;

  /**
   * Creates an empty buffer holding at most {@code maxTraces} traces (and remembering as many
   * evaluated trace ids).
   */
  public LiveTraces(int maxTraces) {
    this.maxTraces = maxTraces;
    this.evaluated =
        new LinkedHashMap<>() {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > maxTraces;
          }
        };
  }

  /**
   * Adds a span at engine time {@code now} (nanoseconds since the Unix epoch); a span of an
   * evaluated trace is counted as late, and the oldest pending trace is evicted when the buffer is
   * full.
   */
  public void add(SpanView span, long now) {
    if (evaluated.containsKey(span.traceId())) {
      late++;
      return;
    }
    Pending p = pending.get(span.traceId());
    if (p == null) {
      if (pending.size() >= maxTraces) {
        Iterator<Pending> oldest = pending.values().iterator();
        oldest.next();
        oldest.remove();
        evicted++;
      }
      p = new Pending(new Trace(span.traceId()));
      pending.put(span.traceId(), p);
    }
    p.trace.add(span);
    p.lastArrival = now;
    p.hasRoot |= span.isRoot();
  }

  /** Removes and returns the traces complete at {@code now}. */
  public List<Completed> complete(long now, long idleNanos, long timeoutNanos) {
    List<Completed> done = new ArrayList<>();
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      long quiet = now - p.lastArrival;
      if ((p.hasRoot && quiet >= idleNanos) || quiet >= timeoutNanos) {
        it.remove();
        evaluated.put(p.trace.traceId(), Boolean.TRUE);
        done.add(new Completed(p.trace, p.lastArrival + (p.hasRoot ? idleNanos : timeoutNanos)));
      }
    }
    return done;
  }

  /** Removes and returns every buffered trace (at shutdown), complete or not. */
  public List<Completed> drain(long now) {
    List<Completed> all = new ArrayList<>();
    for (Pending p : pending.values()) {
      all.add(new Completed(p.trace, now));
    }
    pending.clear();
    return all;
  }

  /** Spans that arrived for a trace already evaluated (counted, not buffered). */
  public long late() {
    return late;
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
