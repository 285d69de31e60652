package io.isostack.correlator.detect;

import io.isostack.model.SpanView;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Groups spans into traces, whatever their arrival order, and drops repeated spans.
 *
 * <p>Not thread-safe: feed it from one thread (the CLI reads its inputs one after another).
 */
public final class TraceAssembler {
  private final Map<String, Trace> traces = new HashMap<>();
  private long spans;
  private long duplicates;

  /**
   * Adds one span.
   *
   * @param span the span
   * @return false when the span was already present and is ignored
   */
  public boolean add(SpanView span) {
    boolean added = traces.computeIfAbsent(span.traceId(), Trace::new).add(span);
    if (added) {
      spans++;
    } else {
      duplicates++;
    }
    return added;
  }

  /** The assembled traces. */
  public Collection<Trace> traces() {
    return Collections.unmodifiableCollection(traces.values());
  }

  /** Distinct spans added. */
  public long spanCount() {
    return spans;
  }

  /** Spans ignored because a span with the same trace and span id was already present. */
  public long duplicateCount() {
    return duplicates;
  }
}
