package io.isostack.correlator.detect;

import io.isostack.model.SpanView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The critical path of a request: the chain of spans that determines when its root ends, with the
 * sections of time each of them holds on it.
 *
 * <p>Walking back from the root's end: the span's child that ends last (at or before the point
 * reached) is on the path, the time between that child's end and the point is the span's own
 * section, the walk recurses into the child from its end, then goes on in the span from the child's
 * start; once no child is left, the span holds the time back to its own start. Children that end
 * after the point reached (they overlap a later child already on the path) did not decide the end
 * and are skipped. A child reaching outside its parent is clipped to it (spans of two processes may
 * be skewed). The sections partition the root's interval, so their lengths add up to the root's
 * duration. This is the critical path of Jaeger's trace view, and it is how a slow request's time
 * is attributed to its hops (docs/METHOD.md §1, look horizontally first; §4 step 1).
 *
 * <p>Times are nanoseconds since the Unix epoch. Immutable once built; not thread-safe to build.
 */
public final class CriticalPath {
  private final Trace trace;
  private final SpanView root;
  private final Map<SpanView, Intervals> sections;

  private CriticalPath(Trace trace, SpanView root, Map<SpanView, Intervals> sections) {
    this.trace = trace;
    this.root = root;
    this.sections = sections;
  }

  /**
   * Computes the critical path of the request rooted at {@code root}.
   *
   * @param trace the trace holding the request's spans
   * @param root the request's root span (or the top of a broken subtree)
   * @return the path, never empty: the root is always on it
   */
  public static CriticalPath of(Trace trace, SpanView root) {
    Map<SpanView, List<long[]>> raw = new LinkedHashMap<>();
    Deque<Step> work = new ArrayDeque<>();
    work.push(new Step(root, root.startEpochNanos(), root.endEpochNanos()));
    while (!work.isEmpty()) {
      Step step = work.pop();
      walk(trace, step, raw, work);
    }
    Map<SpanView, Intervals> sections = new LinkedHashMap<>();
    for (Map.Entry<SpanView, List<long[]>> e : raw.entrySet()) {
      List<long[]> list = e.getValue();
      long[] s = new long[list.size()];
      long[] en = new long[list.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = list.get(i)[0];
        en[i] = list.get(i)[1];
      }
      Intervals iv = Intervals.union(s, en, s.length);
      if (!iv.isEmpty()) {
        sections.put(e.getKey(), iv);
      }
    }
    if (!sections.containsKey(root)) {
      sections.put(root, Intervals.EMPTY);
    }
    return new CriticalPath(trace, root, Collections.unmodifiableMap(sections));
  }

  /** A span to walk back through, from {@code until} down to {@code from}: its clipped window. */
  private record Step(SpanView span, long from, long until) {}

  /**
   * Walks one span back from its end, recording its own sections and queueing the children on the
   * path (each with its window clipped to the part of the parent it holds).
   */
  private static void walk(
      Trace trace, Step step, Map<SpanView, List<long[]>> raw, Deque<Step> work) {
    List<long[]> own = raw.computeIfAbsent(step.span(), k -> new ArrayList<>(2));
    List<SpanView> kids = new ArrayList<>(trace.children(step.span()));
    // Latest clipped end first; a child's clipped window is [max(start, from), min(end, until)).
    kids.sort((a, b) -> Long.compare(b.endEpochNanos(), a.endEpochNanos()));
    long point = step.until();
    int next = 0;
    while (point > step.from()) {
      SpanView pick = null;
      for (; next < kids.size(); next++) {
        SpanView k = kids.get(next);
        long end = Math.min(k.endEpochNanos(), step.until());
        long start = Math.max(k.startEpochNanos(), step.from());
        if (end <= point && end > start && end > step.from()) {
          pick = k;
          next++;
          break;
        }
      }
      if (pick == null) {
        break;
      }
      long end = Math.min(pick.endEpochNanos(), step.until());
      long start = Math.max(pick.startEpochNanos(), step.from());
      own.add(new long[] {end, point});
      work.push(new Step(pick, start, end));
      point = start;
    }
    own.add(new long[] {step.from(), point});
  }

  /** The request's root span. */
  public SpanView root() {
    return root;
  }

  /** The request's duration: the root span's, in nanoseconds. */
  public long requestNanos() {
    return root.durationNanos();
  }

  /** The spans on the path, the root first, then in the order the walk reached them. */
  public List<SpanView> spans() {
    return List.copyOf(sections.keySet());
  }

  /** Whether a span is on the path. */
  public boolean contains(SpanView span) {
    return sections.containsKey(span);
  }

  /**
   * The sections a span holds on the path; empty when it is not on it.
   *
   * @param span a span of the request
   * @return disjoint intervals, nanoseconds since the Unix epoch
   */
  public Intervals sections(SpanView span) {
    return sections.getOrDefault(span, Intervals.EMPTY);
  }

  /**
   * The part of a span's self time that lies on the path: its self time (its interval minus the
   * union of its children) within its sections. This is what the hop's own time adds to the
   * request's end; the values of the spans on the path add up to at most {@link #requestNanos()}.
   *
   * @param span a span of the request
   * @return nanoseconds; 0 when the span is off the path
   */
  public long selfOnPathNanos(SpanView span) {
    Intervals s = sections.get(span);
    return s == null ? 0 : trace.selfTime(span).overlap(s);
  }
}
