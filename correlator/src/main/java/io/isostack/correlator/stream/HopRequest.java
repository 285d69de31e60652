package io.isostack.correlator.stream;

import io.isostack.correlator.detect.Intervals;
import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.detect.Trace;
import io.isostack.correlator.detect.TraceAssembler;
import io.isostack.model.SpanView;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One slow hop found by the horizontal step, sent to the partition of its host for the vertical
 * step: the spans of its whole trace (the join keys need its server-side child, the finding its
 * path), which span is slow, why, and when its trace completed.
 *
 * @param spans the trace's spans, never empty
 * @param spanId the slow span's id
 * @param reason {@code threshold} or {@code baseline} ({@link SlowSpan#reason()})
 * @param baselineNanos the operation's median self time, or -1
 * @param completedEpochNanos when the trace completed, wall clock, nanoseconds since the Unix epoch
 */
record HopRequest(
    List<SpanView> spans,
    String spanId,
    String reason,
    long baselineNanos,
    long completedEpochNanos) {

  /** Validates: spans are required and must hold the slow span. */
  HopRequest {
    spans = List.copyOf(spans);
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(reason, "reason");
    if (spans.stream().noneMatch(s -> s.spanId().equals(spanId))) {
      throw new IllegalArgumentException("spanId " + spanId + " is not among the spans");
    }
  }

  static final WireSerde<HopRequest> SERDE = new WireSerde<>(new HopCodec());

  /** The request for a slow hop of an assembled trace. */
  static HopRequest of(SlowSpan hop, List<SpanView> spans, long completedEpochNanos) {
    return new HopRequest(
        spans, hop.span().spanId(), hop.reason(), hop.baselineNanos(), completedEpochNanos);
  }

  /** The slow span's view. */
  SpanView span() {
    for (SpanView s : spans) {
      if (s.spanId().equals(spanId)) {
        return s;
      }
    }
    throw new IllegalStateException("unreachable: validated");
  }

  /** The slow hop again, its trace reassembled and its self time recomputed. */
  SlowSpan toSlowSpan() {
    TraceAssembler assembler = new TraceAssembler();
    spans.forEach(assembler::add);
    Trace trace = assembler.traces().iterator().next();
    SpanView span = trace.span(spanId);
    Intervals self = trace.selfTime(span);
    return new SlowSpan(trace, span, self, reason, baselineNanos);
  }

  static final class HopCodec implements WireSerde.Codec<HopRequest> {
    @Override
    public void write(DataOutput out, HopRequest h) throws IOException {
      out.writeInt(h.spans.size());
      for (SpanView s : h.spans) {
        Wire.span(out, s);
      }
      Wire.utf(out, h.spanId);
      Wire.utf(out, h.reason);
      out.writeLong(h.baselineNanos);
      out.writeLong(h.completedEpochNanos);
    }

    @Override
    public HopRequest read(DataInput in) throws IOException {
      int n = in.readInt();
      List<SpanView> spans = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        spans.add(Wire.span(in));
      }
      return new HopRequest(spans, Wire.utf(in), Wire.utf(in), in.readLong(), in.readLong());
    }
  }
}
