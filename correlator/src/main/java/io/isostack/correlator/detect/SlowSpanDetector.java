package io.isostack.correlator.detect;

import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The horizontal step: computes every span's self time and picks the slow hops.
 *
 * <p>A span is a slow hop when its self time is at least {@code thresholdNanos}, or when the same
 * operation (service, span name, kind) has at least {@link #BASELINE_MIN_SAMPLES} spans in the
 * input and this span's self time is at least {@link #BASELINE_FACTOR} times their median and at
 * least {@code baselineFloorNanos}. The baseline can only add slow hops, never remove one that is
 * above the threshold: in an incident recording every request may be slow (docs/METHOD.md §4,
 * "every span slower"). Then slow requests, not only slow spans: in a trace whose root lasts at
 * least {@code slowRequestNanos} (or well above the median of its root operation), the hops that
 * hold at least a fifth of the request's critical path are slow hops too, and every hop of such a
 * request carries the request's duration and its share of it ({@code SlowRequests}). A span is
 * never reported twice. Not thread-safe.
 */
public final class SlowSpanDetector {
  /** Fewest spans of one operation for its median to count as a baseline. */
  public static final int BASELINE_MIN_SAMPLES = 5;

  /** How many times the median self time makes a span "well above" its baseline. */
  public static final double BASELINE_FACTOR = 3.0;

  private final long thresholdNanos;
  private final long baselineFloorNanos;
  private final SlowRequests requests;
  private final OperationCache operationCache = new OperationCache();

  /**
   * Creates a detector whose request threshold is the span threshold.
   *
   * @param thresholdNanos self time at or above which a span is always slow, and duration at or
   *     above which a request is slow, nanoseconds, > 0
   * @param baselineFloorNanos self time below which the baseline rule never fires, nanoseconds
   * @throws IllegalArgumentException if the threshold is not positive
   */
  public SlowSpanDetector(long thresholdNanos, long baselineFloorNanos) {
    this(thresholdNanos, baselineFloorNanos, thresholdNanos);
  }

  /**
   * Creates a detector.
   *
   * @param thresholdNanos self time at or above which a span is always slow, nanoseconds, > 0
   * @param baselineFloorNanos self time below which the baseline rule never fires, nanoseconds
   * @param slowRequestNanos root duration at or above which a request is slow, nanoseconds, > 0
   * @throws IllegalArgumentException if a threshold is not positive
   */
  public SlowSpanDetector(long thresholdNanos, long baselineFloorNanos, long slowRequestNanos) {
    if (thresholdNanos <= 0) {
      throw new IllegalArgumentException("slow threshold must be positive: " + thresholdNanos);
    }
    this.thresholdNanos = thresholdNanos;
    this.baselineFloorNanos = baselineFloorNanos;
    this.requests = new SlowRequests(slowRequestNanos);
  }

  /**
   * Finds the slow hops of all traces, with baselines (span self times, request durations) taken
   * from the same traces (offline mode).
   *
   * @param traces the assembled traces
   * @return the slow hops, in no particular order
   */
  public List<SlowSpan> detect(Iterable<Trace> traces) {
    Map<String, long[]> selfByOperation = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    // Each span's self time and operation, in trace and span order, for the second pass.
    List<Intervals> selfTimes = new ArrayList<>();
    List<String> operations = new ArrayList<>();
    for (Trace trace : traces) {
      for (SpanView span : trace.spans()) {
        Intervals self = trace.selfTime(span);
        String op = operation(span);
        selfTimes.add(self);
        operations.add(op);
        sample(selfByOperation, counts, op, self.totalNanos());
        if (span.isRoot()) {
          sample(selfByOperation, counts, SlowRequests.operation(span), span.durationNanos());
        }
      }
    }
    Map<String, Long> medians = new HashMap<>();
    for (Map.Entry<String, long[]> e : selfByOperation.entrySet()) {
      int n = counts.get(e.getKey());
      if (n >= BASELINE_MIN_SAMPLES) {
        long[] sorted = Arrays.copyOf(e.getValue(), n);
        Arrays.sort(sorted);
        medians.put(e.getKey(), sorted[n / 2]);
      }
    }
    Baselines baselines = op -> medians.getOrDefault(op, -1L);
    List<SlowSpan> hops = new ArrayList<>();
    int first = 0;
    for (Trace trace : traces) {
      hops.addAll(detect(trace, baselines, selfTimes, operations, first));
      first += trace.size();
    }
    return hops;
  }

  private static void sample(
      Map<String, long[]> byOperation, Map<String, Integer> counts, String op, long nanos) {
    int n = counts.merge(op, 1, Integer::sum);
    long[] arr = byOperation.computeIfAbsent(op, k -> new long[8]);
    if (n > arr.length) {
      arr = Arrays.copyOf(arr, arr.length * 2);
      byOperation.put(op, arr);
    }
    arr[n - 1] = nanos;
  }

  /**
   * Finds the slow hops of one trace against given baselines (live mode).
   *
   * @param trace the trace
   * @param baselines the median self time per operation, and the median duration per request root
   *     operation
   * @return its slow hops: by threshold or baseline in span order, then those added by a slow
   *     request
   */
  public List<SlowSpan> detect(Trace trace, Baselines baselines) {
    List<Intervals> selfTimes = new ArrayList<>(trace.size());
    List<String> operations = new ArrayList<>(trace.size());
    for (SpanView span : trace.spans()) {
      selfTimes.add(trace.selfTime(span));
      operations.add(operation(span));
    }
    return detect(trace, baselines, selfTimes, operations, 0);
  }

  /**
   * Finds the slow hops of one trace against rolling baselines, then records the trace in them
   * (live mode): {@link #detect(Trace, Baselines)} followed by {@link
   * RollingBaselines#record(Trace)}, each span's self time and operation computed once for both
   * (the operation from an {@link OperationCache}).
   *
   * @param trace the trace
   * @param baselines the baselines the trace is judged by, then recorded in
   * @return its slow hops, as {@link #detect(Trace, Baselines)} returns them
   */
  public List<SlowSpan> detectThenRecord(Trace trace, RollingBaselines baselines) {
    List<Intervals> selfTimes = new ArrayList<>(trace.size());
    List<String> operations = new ArrayList<>(trace.size());
    for (SpanView span : trace.spans()) {
      selfTimes.add(trace.selfTime(span));
      operations.add(operationCache.of(span));
    }
    List<SlowSpan> hops = detect(trace, baselines, selfTimes, operations, 0);
    baselines.record(trace, selfTimes, operations, requests);
    return hops;
  }

  /**
   * {@link #detect(Trace, Baselines)} with the trace's self times and operations taken from {@code
   * selfTimes} and {@code operations} from index {@code first} on.
   */
  private List<SlowSpan> detect(
      Trace trace,
      Baselines baselines,
      List<Intervals> selfTimes,
      List<String> operations,
      int first) {
    List<SlowSpan> hops = new ArrayList<>();
    int i = first;
    for (SpanView span : trace.spans()) {
      Intervals self = selfTimes.get(i);
      String op = operations.get(i);
      i++;
      long selfNanos = self.totalNanos();
      long median = baselines.median(op);
      if (selfNanos >= thresholdNanos) {
        hops.add(new SlowSpan(trace, span, self, "threshold", median));
      } else if (median >= 0
          && selfNanos >= baselineFloorNanos
          && selfNanos >= BASELINE_FACTOR * Math.max(1, median)) {
        hops.add(new SlowSpan(trace, span, self, "baseline", median));
      }
    }
    return requests.apply(trace, hops, baselines);
  }

  /** The operation of a span: service, name and kind. */
  public static String operation(SpanView span) {
    return span.service() + '\u0000' + span.name() + '\u0000' + span.kind();
  }
}
