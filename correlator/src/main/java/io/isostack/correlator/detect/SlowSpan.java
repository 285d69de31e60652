package io.isostack.correlator.detect;

import io.isostack.model.SpanView;
import java.util.Objects;

/**
 * A span whose self time makes it a slow hop on the horizontal axis, or that holds a large part of
 * a slow request's critical path.
 *
 * @param trace the span's trace
 * @param span the span
 * @param self the span's self time: its interval minus the union of its children (for a client
 *     span, the part its server-side child does not cover: time on the wire or in the peer's
 *     kernel)
 * @param reason why it is slow: {@code threshold} (self time above {@code --slow-threshold}),
 *     {@code baseline} (well above the median of the same operation in the input) or {@code
 *     request} (neither, but it holds a large share of a slow request's critical path: see {@link
 *     SlowSpanDetector})
 * @param baselineNanos median self time of the same operation in the input, or -1 when too few
 *     samples
 * @param requestNanos the duration of the slow request (its root span) the hop belongs to,
 *     nanoseconds; -1 when its request is not slow (or it has no root)
 * @param requestShare the share of that request its self time on the request's critical path holds,
 *     0..1 ({@link CriticalPath#selfOnPathNanos} over {@code requestNanos}); 0 when the hop is off
 *     the critical path or its request is not slow
 */
public record SlowSpan(
    Trace trace,
    SpanView span,
    Intervals self,
    String reason,
    long baselineNanos,
    long requestNanos,
    double requestShare) {

  /** {@link #reason} of a hop analysed only because it holds a large share of a slow request. */
  public static final String REQUEST = "request";

  /**
   * Validates: trace, span, self and reason are required.
   *
   * @throws IllegalArgumentException when {@code requestShare} is outside 0..1, or not 0 while
   *     {@code requestNanos} is negative
   */
  public SlowSpan {
    Objects.requireNonNull(trace, "trace");
    Objects.requireNonNull(span, "span");
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(reason, "reason");
    if (!(requestShare >= 0 && requestShare <= 1) || (requestNanos < 0 && requestShare != 0)) {
      throw new IllegalArgumentException(
          "requestShare must be in 0..1, and 0 without a request: "
              + requestShare
              + " of "
              + requestNanos);
    }
  }

  /** A hop outside any slow request ({@code requestNanos} -1, {@code requestShare} 0). */
  public SlowSpan(Trace trace, SpanView span, Intervals self, String reason, long baselineNanos) {
    this(trace, span, self, reason, baselineNanos, -1, 0);
  }

  /** Self time in nanoseconds. */
  public long selfNanos() {
    return self.totalNanos();
  }

  /** A copy placed in a slow request of {@code requestNanos} holding {@code requestShare} of it. */
  public SlowSpan inRequest(long requestNanos, double requestShare) {
    return new SlowSpan(trace, span, self, reason, baselineNanos, requestNanos, requestShare);
  }
}
