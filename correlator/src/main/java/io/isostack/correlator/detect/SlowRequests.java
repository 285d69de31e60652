package io.isostack.correlator.detect;

import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Slow requests, not only slow spans: a request's time spread over several hops, none of which is
 * slow alone, is attributed along its {@link CriticalPath} (docs/METHOD.md §1, look horizontally
 * first; §4 step 1, "which hop is slow").
 *
 * <p>A request (a trace's root span, {@link SpanView#isRoot()}) is slow when its duration is at
 * least {@code slowRequestNanos}, or when its root operation (service, name, kind) has at least
 * {@link SlowSpanDetector#BASELINE_MIN_SAMPLES} requests and this one lasts at least {@link
 * SlowSpanDetector#BASELINE_FACTOR} times their median duration and at least half of {@code
 * slowRequestNanos} (the same rule, factor and floor as slow spans, on the root's duration). In a
 * slow request every critical-path hop whose self time on the path holds at least {@link
 * #MIN_SHARE} of the request's duration is analysed: the hops already slow keep their reason
 * ({@code threshold}, {@code baseline}), the others become slow hops with reason {@link
 * SlowSpan#REQUEST}. A hop holding less than a fifth of the request cannot be where the request
 * lost most of its time, and at most five hops per request qualify, so the vertical step's work
 * stays bounded. Every hop of a slow request is told the request's duration and the share it holds
 * (0 when off the critical path). Stateless and thread-safe.
 */
final class SlowRequests {
  /** Share of a slow request a critical-path hop's self time must hold to be analysed: 20 %. */
  static final double MIN_SHARE = 0.2;

  private final long slowRequestNanos;
  private final OperationCache requestOperations = OperationCache.forRequests();

  /**
   * @param slowRequestNanos root duration at or above which a request is slow, nanoseconds, > 0
   */
  SlowRequests(long slowRequestNanos) {
    if (slowRequestNanos <= 0) {
      throw new IllegalArgumentException(
          "slow request threshold must be positive: " + slowRequestNanos);
    }
    this.slowRequestNanos = slowRequestNanos;
  }

  /** The baseline key of a request: its root's operation, kept apart from span self times. */
  static String operation(SpanView root) {
    return "request\u0000" + SlowSpanDetector.operation(root);
  }

  /** {@link #operation}, from this instance's cache (the same string for the same root fields). */
  String cachedOperation(SpanView root) {
    return requestOperations.of(root);
  }

  /**
   * Whether the request rooted at {@code root} is slow.
   *
   * @param medianNanos median duration of requests of the same root operation, -1 when too few
   */
  boolean isSlow(SpanView root, long medianNanos) {
    long d = root.durationNanos();
    return d >= slowRequestNanos
        || (medianNanos >= 0
            && d >= slowRequestNanos / 2
            && d >= SlowSpanDetector.BASELINE_FACTOR * Math.max(1, medianNanos));
  }

  /**
   * Places the hops of one trace in their slow requests and adds the critical-path hops that hold a
   * large share of them.
   *
   * @param trace the trace
   * @param spanHops its hops slow by threshold or baseline
   * @param baselines median span self times and request durations per operation
   * @return {@code spanHops} in order, each in its slow request if it has one, then the added hops
   *     in critical-path order; no span twice
   */
  List<SlowSpan> apply(Trace trace, List<SlowSpan> spanHops, Baselines baselines) {
    Map<SpanView, CriticalPath> slowRoots = new LinkedHashMap<>();
    for (SpanView s : trace.spans()) {
      if (s.isRoot() && isSlow(s, baselines.median(cachedOperation(s)))) {
        slowRoots.put(s, CriticalPath.of(trace, s));
      }
    }
    if (slowRoots.isEmpty()) {
      return spanHops;
    }
    List<SlowSpan> out = new ArrayList<>(spanHops.size() + 2);
    Set<SpanView> seen = new HashSet<>();
    for (SlowSpan hop : spanHops) {
      CriticalPath path = slowRoots.get(trace.pathTo(hop.span()).get(0));
      out.add(path == null ? hop : hop.inRequest(path.requestNanos(), share(path, hop.span())));
      seen.add(hop.span());
    }
    for (CriticalPath path : slowRoots.values()) {
      for (SpanView s : path.spans()) {
        double share = share(path, s);
        if (share >= MIN_SHARE && seen.add(s)) {
          out.add(
              new SlowSpan(
                  trace,
                  s,
                  trace.selfTime(s),
                  SlowSpan.REQUEST,
                  baselines.median(SlowSpanDetector.operation(s)),
                  path.requestNanos(),
                  share));
        }
      }
    }
    return out;
  }

  private static double share(CriticalPath path, SpanView span) {
    long request = path.requestNanos();
    return request <= 0 ? 0 : Math.min(1.0, (double) path.selfOnPathNanos(span) / request);
  }
}
