package io.isostack.correlator.stream;

import io.isostack.model.SpanView;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A trace being assembled in the {@code traces} store, or the marker of one already evaluated
 * (whose late spans are dropped and counted, as {@code serve} does).
 *
 * @param spans the spans received so far, in arrival order (empty once evaluated)
 * @param lastArrivalEpochNanos when the last span arrived, wall clock, nanoseconds since the epoch
 * @param lastRecordEpochNanos the timestamp of the last record that brought spans of it (the
 *     Collector's produce time), nanoseconds since the epoch
 * @param hasRoot whether the root span has arrived
 * @param evaluated whether the trace was evaluated
 */
record TraceBuffer(
    List<SpanView> spans,
    long lastArrivalEpochNanos,
    long lastRecordEpochNanos,
    boolean hasRoot,
    boolean evaluated) {

  static final WireSerde<TraceBuffer> SERDE = new WireSerde<>(new TraceBufferCodec());

  /** Copies the spans. */
  TraceBuffer {
    spans = List.copyOf(spans);
  }

  /** This buffer with more spans, arrived at {@code now} in a record of time {@code recordTime}. */
  TraceBuffer plus(List<SpanView> more, long now, long recordTime) {
    List<SpanView> all = new ArrayList<>(spans.size() + more.size());
    all.addAll(spans);
    all.addAll(more);
    boolean root = hasRoot || more.stream().anyMatch(SpanView::isRoot);
    return new TraceBuffer(all, now, Math.max(lastRecordEpochNanos, recordTime), root, false);
  }

  private static final class TraceBufferCodec implements WireSerde.Codec<TraceBuffer> {
    @Override
    public void write(DataOutput out, TraceBuffer t) throws IOException {
      out.writeLong(t.lastArrivalEpochNanos);
      out.writeLong(t.lastRecordEpochNanos);
      out.writeBoolean(t.hasRoot);
      out.writeBoolean(t.evaluated);
      out.writeInt(t.spans.size());
      for (SpanView s : t.spans) {
        Wire.span(out, s);
      }
    }

    @Override
    public TraceBuffer read(DataInput in) throws IOException {
      long last = in.readLong();
      long record = in.readLong();
      boolean root = in.readBoolean();
      boolean evaluated = in.readBoolean();
      int n = in.readInt();
      List<SpanView> spans = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        spans.add(Wire.span(in));
      }
      return new TraceBuffer(spans, last, record, root, evaluated);
    }
  }
}
