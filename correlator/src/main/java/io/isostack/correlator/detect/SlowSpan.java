package io.isostack.correlator.detect;

import io.isostack.model.SpanView;
import java.util.Objects;

/**
 * A span whose self time makes it a slow hop on the horizontal axis.
 *
 * @param trace the span's trace
 * @param span the span
 * @param self the span's self time: its interval minus the union of its children (for a client
 *     span, the part its server-side child does not cover: time on the wire or in the peer's
 *     kernel)
 * @param reason why it is slow: {@code threshold} (self time above {@code --slow-threshold}) or
 *     {@code baseline} (well above the median of the same operation in the input)
 * @param baselineNanos median self time of the same operation in the input, or -1 when too few
 *     samples
 */
public record SlowSpan(
    Trace trace, SpanView span, Intervals self, String reason, long baselineNanos) {

  /** Validates: trace, span, self and reason are required. */
  public SlowSpan {
    Objects.requireNonNull(trace, "trace");
    Objects.requireNonNull(span, "span");
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(reason, "reason");
  }

  /** Self time in nanoseconds. */
  public long selfNanos() {
    return self.totalNanos();
  }
}
