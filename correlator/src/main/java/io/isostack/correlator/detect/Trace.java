package io.isostack.correlator.detect;

import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spans of one trace, deduplicated by span id, with parent → children links.
 *
 * <p>Spans may arrive in any order; a span whose parent never arrived is treated as the root of its
 * own subtree (a broken trace). Built by one thread; once built, it may be read from several at
 * once (the offline vertical step reads traces from two threads): the children links, made on first
 * use, are published safely.
 */
public final class Trace {
  private final String traceId;
  private final Map<String, SpanView> byId = new LinkedHashMap<>();

  /** Made on the first {@link #children} call after the last {@link #add}; null until then. */
  private volatile Map<String, List<SpanView>> children;

  Trace(String traceId) {
    this.traceId = traceId;
  }

  /** The trace id, 32 lower-case hex characters. */
  public String traceId() {
    return traceId;
  }

  /**
   * Adds a span.
   *
   * @return false when a span with the same id was already present (the first one is kept)
   */
  boolean add(SpanView span) {
    if (byId.putIfAbsent(span.spanId(), span) != null) {
      return false;
    }
    children = null;
    return true;
  }

  /** All spans in arrival order. */
  public Iterable<SpanView> spans() {
    return Collections.unmodifiableCollection(byId.values());
  }

  /** Number of distinct spans. */
  public int size() {
    return byId.size();
  }

  /** The span with this id, or null. */
  public SpanView span(String spanId) {
    return spanId == null ? null : byId.get(spanId);
  }

  /** The parent of a span, or null for a root or a span whose parent is missing. */
  public SpanView parent(SpanView span) {
    return span(span.parentSpanId());
  }

  /** The direct children of a span, in arrival order; never null. */
  public List<SpanView> children(SpanView span) {
    Map<String, List<SpanView>> links = children;
    if (links == null) {
      // Built whole, then published: two readers may both build it, never see half of it.
      links = new HashMap<>();
      for (SpanView s : byId.values()) {
        if (s.parentSpanId() != null && byId.containsKey(s.parentSpanId())) {
          links.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>(2)).add(s);
        }
      }
      children = links;
    }
    return links.getOrDefault(span.spanId(), List.of());
  }

  /**
   * The chain of spans from the trace's root (or the top of a broken subtree) down to {@code span}.
   */
  public List<SpanView> pathTo(SpanView span) {
    List<SpanView> path = new ArrayList<>();
    for (SpanView s = span; s != null && path.size() < 256; s = parent(s)) {
      path.add(s);
    }
    Collections.reverse(path);
    return path;
  }

  /** The time this span spends with none of its children running: its self time. */
  public Intervals selfTime(SpanView span) {
    List<SpanView> kids = children(span);
    Intervals own = Intervals.of(span.startEpochNanos(), span.endEpochNanos());
    if (kids.isEmpty()) {
      return own;
    }
    long[] s = new long[kids.size()];
    long[] e = new long[kids.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = kids.get(i).startEpochNanos();
      e[i] = kids.get(i).endEpochNanos();
    }
    return own.minus(Intervals.union(s, e, s.length));
  }
}
