package io.isostack.correlator.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import io.isostack.codec.OtlpProtoTraceReader;
import io.isostack.codec.RejectReason;
import io.isostack.correlator.detect.RollingBaselines;
import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.detect.SlowSpanDetector;
import io.isostack.correlator.detect.Trace;
import io.isostack.correlator.detect.TraceAssembler;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.model.SpanView;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage 1, the horizontal step, per partition of the spans topic: decodes each {@code otlp_proto}
 * message, buffers spans by trace id in the {@code traces} store, and on every tick (wall clock)
 * evaluates the traces that are complete, as {@code serve} does: the root has ended and no span
 * came for the idle time, or no span came for the timeout. Each slow hop goes out as a {@link
 * HostRecord.Hop} keyed by its {@code host.name}. Baselines roll over the spans this task has seen.
 * A span of a trace already evaluated is late: counted and dropped (the marker is kept for the
 * timeout). One instance per stream task, used by its thread only.
 */
final class TraceAssemblyProcessor implements Processor<byte[], byte[], String, HostRecord> {
  private final LiveSettings live;
  private final AnalyzerSettings analysis;
  private final StreamStats stats;
  private final long tickNanos;
  private final OtlpProtoTraceReader reader = new OtlpProtoTraceReader();
  private final RollingBaselines baselines = new RollingBaselines(10_000);
  private final SlowSpanDetector detector;
  private ProcessorContext<String, HostRecord> context;
  private KeyValueStore<String, TraceBuffer> traces;
  private String source;

  TraceAssemblyProcessor(LiveSettings live, long tickNanos, StreamStats stats) {
    this.live = live;
    this.analysis = live.analysis();
    this.tickNanos = tickNanos;
    this.stats = stats;
    this.detector =
        new SlowSpanDetector(analysis.slowThresholdNanos(), analysis.baselineFloorNanos());
  }

  @Override
  public void init(ProcessorContext<String, HostRecord> context) {
    this.context = context;
    this.traces = context.getStateStore(CorrelatorTopology.TRACES);
    context.schedule(
        Duration.ofNanos(tickNanos),
        PunctuationType.WALL_CLOCK_TIME,
        ms -> complete(ms * 1_000_000L));
  }

  @Override
  public void process(Record<byte[], byte[]> message) {
    if (message.value() == null) {
      return;
    }
    if (source == null) {
      source = "kafka:" + context.recordMetadata().map(m -> m.topic()).orElse("spans");
    }
    ExportTraceServiceRequest request;
    try {
      request = ExportTraceServiceRequest.parseFrom(message.value());
    } catch (InvalidProtocolBufferException e) {
      stats.rejected(RejectReason.INVALID_PROTOBUF, 1);
      return;
    }
    Map<String, List<SpanView>> byTrace = new LinkedHashMap<>();
    try {
      reader.convert(
          request,
          source,
          s -> byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s),
          r -> stats.rejected(r.reason(), 1));
    } catch (RuntimeException | StackOverflowError e) {
      // A reader failure nobody foresaw (convert touches no store): a counted rejection.
      stats.rejected(RejectReason.READER_ERROR, 1);
      return;
    }
    long now = context.currentSystemTimeMs() * 1_000_000L;
    for (Map.Entry<String, List<SpanView>> t : byTrace.entrySet()) {
      TraceBuffer buffer = traces.get(t.getKey());
      if (buffer != null && buffer.evaluated()) {
        stats.spansLate(t.getValue().size());
        continue;
      }
      if (buffer == null) {
        buffer = new TraceBuffer(List.of(), now, false, false);
      }
      traces.put(t.getKey(), buffer.plus(t.getValue(), now));
      stats.spans(t.getValue().size());
    }
  }

  /** Evaluates the complete traces and forgets old markers (a tick). */
  void complete(long now) {
    List<KeyValue<String, TraceBuffer>> ready = new ArrayList<>();
    List<String> forget = new ArrayList<>();
    try (KeyValueIterator<String, TraceBuffer> it = traces.all()) {
      while (it.hasNext()) {
        KeyValue<String, TraceBuffer> kv = it.next();
        TraceBuffer b = kv.value;
        long quiet = now - b.lastArrivalEpochNanos();
        if (b.evaluated()) {
          if (quiet >= live.traceTimeoutNanos()) {
            forget.add(kv.key);
          }
        } else if ((b.hasRoot() && quiet >= live.traceIdleNanos())
            || quiet >= live.traceTimeoutNanos()) {
          ready.add(kv);
        }
      }
    }
    forget.forEach(traces::delete);
    // In the order the traces ended, as they would complete live: the rolling baselines then
    // hold the traces before each one, whatever the store's key order.
    ready.sort(Comparator.comparingLong(kv -> end(kv.value)));
    for (KeyValue<String, TraceBuffer> kv : ready) {
      TraceBuffer b = kv.value;
      long completed =
          b.lastArrivalEpochNanos()
              + (b.hasRoot() ? live.traceIdleNanos() : live.traceTimeoutNanos());
      evaluate(b.spans(), completed);
      traces.put(kv.key, new TraceBuffer(List.of(), now, b.hasRoot(), true));
    }
  }

  private static long end(TraceBuffer b) {
    long end = Long.MIN_VALUE;
    for (SpanView s : b.spans()) {
      end = Math.max(end, s.endEpochNanos());
    }
    return end;
  }

  private void evaluate(List<SpanView> spans, long completedEpochNanos) {
    TraceAssembler assembler = new TraceAssembler();
    spans.forEach(assembler::add);
    Trace trace = assembler.traces().iterator().next();
    List<SpanView> distinct = new ArrayList<>(trace.size());
    trace.spans().forEach(distinct::add);
    for (SlowSpan hop : detector.detect(trace, baselines)) {
      String host = hop.span().host() != null ? hop.span().host() : analysis.defaultHost();
      HopRequest request = HopRequest.of(hop, distinct, completedEpochNanos);
      context.forward(
          new Record<>(
              host,
              (HostRecord) new HostRecord.Hop(request),
              Math.max(0, hop.span().endEpochNanos() / 1_000_000L)));
      stats.hop();
    }
    for (SpanView s : trace.spans()) {
      baselines.record(SlowSpanDetector.operation(s), trace.selfTime(s).totalNanos());
    }
    stats.trace();
  }
}
