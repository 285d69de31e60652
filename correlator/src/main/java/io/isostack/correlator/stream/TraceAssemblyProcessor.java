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
 * message, buffers spans by trace id in the {@code traces} store, and on every tick evaluates the
 * traces that are complete. A trace whose root has ended is complete when no record brought spans
 * of it for the idle time in <b>record time</b>: the timestamps of the partition's records (the
 * Collector's produce time), so an instance that lags, or a replay that keeps the recorded
 * timestamps, reads a trace's messages as far apart as they were sent, however fast or slowly it
 * reads them. Failing that, when no record at all came to the partition for the idle time (wall
 * clock: the input has gone quiet, as in {@code serve}; counted from the task's start and from the
 * end of any stall of its thread, so that a backlog not yet read is not taken for quiet); and any
 * trace once no span of it came for the timeout. (Span end times are no clock for this: an SDK's
 * batch exporter sends a service's spans seconds after other services' spans that ended later.)
 * Each slow hop goes out as a {@link HostRecord.Hop} keyed by the host it visits first ({@link
 * HopRequest#route}), else by its own {@code host.name}. Baselines roll over the traces this task
 * has evaluated (span self times and request durations, as {@code serve}'s); {@code --slow-request}
 * is the analysis settings'. A span of a trace already evaluated is late: counted and dropped (the
 * marker is kept for the timeout). One instance per stream task, used by its thread only.
 */
final class TraceAssemblyProcessor implements Processor<byte[], byte[], String, HostRecord> {
  /** Ticks missed in a row that make a stall of the thread: 5. */
  static final int STALL_TICKS = 5;

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
  private long newestRecordNanos = Long.MIN_VALUE;
  private long lastSpanArrivalNanos = Long.MIN_VALUE;
  private long runningSinceNanos = Long.MIN_VALUE;
  private long lastTickNanos = Long.MIN_VALUE;

  TraceAssemblyProcessor(LiveSettings live, long tickNanos, StreamStats stats) {
    this.live = live;
    this.analysis = live.analysis();
    this.tickNanos = tickNanos;
    this.stats = stats;
    this.detector =
        new SlowSpanDetector(
            analysis.slowThresholdNanos(),
            analysis.baselineFloorNanos(),
            analysis.slowRequestNanos());
  }

  @Override
  public void init(ProcessorContext<String, HostRecord> context) {
    this.context = context;
    this.traces = context.getStateStore(CorrelatorTopology.TRACES);
    this.runningSinceNanos = context.currentSystemTimeMs() * 1_000_000L;
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
    long recordTime = message.timestamp() * 1_000_000L;
    for (Map.Entry<String, List<SpanView>> t : byTrace.entrySet()) {
      TraceBuffer buffer = traces.get(t.getKey());
      if (buffer != null && buffer.evaluated()) {
        stats.spansLate(t.getValue().size());
        continue;
      }
      if (buffer == null) {
        buffer = new TraceBuffer(List.of(), now, recordTime, false, false);
      }
      traces.put(t.getKey(), buffer.plus(t.getValue(), now, recordTime));
      stats.spans(t.getValue().size());
      newestRecordNanos = Math.max(newestRecordNanos, recordTime);
      lastSpanArrivalNanos = now;
    }
  }

  /** Evaluates the complete traces and forgets old markers (a tick). */
  void complete(long now) {
    List<KeyValue<String, TraceBuffer>> ready = new ArrayList<>();
    List<String> forget = new ArrayList<>();
    // The input is quiet when no record came for the idle time while this task was running: not
    // since it was created (a task taken over has its backlog still to read), nor across a stall of
    // its thread (a rebalance, a pause), after which the records that came meanwhile are read.
    if (lastTickNanos != Long.MIN_VALUE && now - lastTickNanos > STALL_TICKS * tickNanos) {
      runningSinceNanos = now;
    }
    lastTickNanos = now;
    boolean inputQuiet =
        now - Math.max(lastSpanArrivalNanos, runningSinceNanos) >= live.traceIdleNanos();
    try (KeyValueIterator<String, TraceBuffer> it = traces.all()) {
      while (it.hasNext()) {
        KeyValue<String, TraceBuffer> kv = it.next();
        TraceBuffer b = kv.value;
        long quiet = now - b.lastArrivalEpochNanos();
        if (b.evaluated()) {
          if (quiet >= live.traceTimeoutNanos()) {
            forget.add(kv.key);
          }
          continue;
        }
        long past =
            newestRecordNanos == Long.MIN_VALUE
                ? Long.MIN_VALUE
                : newestRecordNanos - b.lastRecordEpochNanos();
        boolean complete =
            b.hasRoot()
                ? past >= live.traceIdleNanos() || inputQuiet
                : past >= live.traceTimeoutNanos();
        if (complete || quiet >= live.traceTimeoutNanos()) {
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
          Math.min(
              now,
              b.lastArrivalEpochNanos()
                  + (b.hasRoot() ? live.traceIdleNanos() : live.traceTimeoutNanos()));
      evaluate(b.spans(), completed);
      traces.put(
          kv.key, new TraceBuffer(List.of(), now, b.lastRecordEpochNanos(), b.hasRoot(), true));
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
    for (SlowSpan hop : detector.detectThenRecord(trace, baselines)) {
      String own = analysis.defaultHost();
      HopRequest request =
          HopRequest.of(
              hop, distinct, completedEpochNanos, HopRequest.route(trace, hop.span(), own));
      String host = request.nextHost(own);
      context.forward(
          new Record<>(
              host,
              (HostRecord) new HostRecord.Hop(request),
              Math.max(0, hop.span().endEpochNanos() / 1_000_000L)));
      stats.hop();
    }
    stats.trace();
  }
}
