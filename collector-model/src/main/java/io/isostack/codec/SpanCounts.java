package io.isostack.codec;

import io.isostack.model.SpanView;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Counting and forwarding for one read of a trace reader: spans go to the consumer, rejections to
 * the listener with the source named. Not thread-safe: one per read.
 */
final class SpanCounts {
  final String source;
  final Consumer<SpanView> out;
  final RejectListener rejects;

  /** Lines for text inputs, messages for framed binary ones. */
  long units;

  long records;
  long rejected;

  /** Spans whose parent id was their own id, emitted as roots. */
  long selfParent;

  SpanCounts(String source, Consumer<SpanView> out, RejectListener rejects) {
    this.source = Objects.requireNonNull(source, "source");
    this.out = out;
    this.rejects = rejects;
  }

  /**
   * Emits a span. A span naming itself as its parent would be its own child, hiding its self time
   * and any root its trace has; it is emitted as a root instead and counted ({@link #selfParent},
   * reported as {@link SkipReason#SELF_PARENT}).
   */
  void emit(SpanView span) {
    records++;
    if (span.spanId().equals(span.parentSpanId())) {
      selfParent++;
      span = span.asRoot();
    }
    out.accept(span);
  }

  void reject(long unit, BadRecord e) {
    rejected++;
    rejects.rejected(new Rejection(source, unit, e.reason(), String.valueOf(e.getMessage())));
  }

  ReadSummary summary() {
    return new ReadSummary(
        units,
        records,
        rejected,
        0,
        selfParent == 0 ? Map.of() : Map.of(SkipReason.SELF_PARENT, selfParent));
  }
}
