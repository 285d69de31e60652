package io.isostack.codec;

import io.isostack.model.SpanView;
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

  SpanCounts(String source, Consumer<SpanView> out, RejectListener rejects) {
    this.source = Objects.requireNonNull(source, "source");
    this.out = out;
    this.rejects = rejects;
  }

  void emit(SpanView span) {
    records++;
    out.accept(span);
  }

  void reject(long unit, BadRecord e) {
    rejected++;
    rejects.rejected(new Rejection(source, unit, e.reason(), String.valueOf(e.getMessage())));
  }

  ReadSummary summary() {
    return new ReadSummary(units, records, rejected, 0);
  }
}
