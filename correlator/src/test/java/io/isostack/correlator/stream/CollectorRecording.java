package io.isostack.correlator.stream;

import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.testing.OtlpJsonRequests;
import io.isostack.correlator.testing.SampleCases;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;

/**
 * The shipped real recording as the Collector's {@code kafka} exporter would put it on Kafka:
 * traces as {@code otlp_proto} {@code ExportTraceServiceRequest}s split per trace and keyed by the
 * hex trace id ({@code partition_traces_by_id}), kernel events as canonical JSON lines keyed by
 * {@code host.name}; and what {@code analyze} finds in the same files.
 */
final class CollectorRecording {
  static final Path CASE = SampleCases.DATA.resolve("real-cpu-throttle");
  static final String HOST = "vm";
  private static final HexFormat HEX = HexFormat.of();

  private CollectorRecording() {}

  /** One trace per message, in file order, keyed by trace id. */
  static List<KeyValue<String, byte[]>> traceMessages() throws IOException {
    List<KeyValue<String, byte[]>> out = new ArrayList<>();
    for (String line : Files.readAllLines(CASE.resolve("traces.jsonl"))) {
      if (!line.isBlank()) {
        splitByTrace(OtlpJsonRequests.traces(line))
            .forEach((id, r) -> out.add(KeyValue.pair(id, r.toByteArray())));
      }
    }
    return out;
  }

  /** Every {@code events*} file in the order {@code analyze} reads them, in messages of lines. */
  static List<byte[]> eventMessages(int linesPerMessage) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (String file : List.of("events-cgroup.jsonl", "events-sched.jsonl")) {
      List<String> lines = Files.readAllLines(CASE.resolve(file));
      for (int i = 0; i < lines.size(); i += linesPerMessage) {
        String chunk =
            String.join("\n", lines.subList(i, Math.min(lines.size(), i + linesPerMessage)));
        out.add(chunk.getBytes(StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** What {@code analyze} finds, as comparable keys. */
  static TreeSet<String> analyzeFindings() throws IOException {
    TreeSet<String> keys = new TreeSet<>();
    for (Finding f : SampleCases.analyze(CASE).findings()) {
      keys.add(key(f.span().traceId(), f.span().spanId(), f.layer().code(), f.cause()));
    }
    return keys;
  }

  /**
   * What {@code analyze} finds for the spans slow by the threshold alone: those every instance
   * finds whatever traces it saw before (a baseline is a median over the traces seen so far, and a
   * task moved to another instance starts its rolling baselines anew).
   */
  static TreeSet<String> analyzeThresholdFindings() throws IOException {
    TreeSet<String> keys = new TreeSet<>();
    for (Finding f : SampleCases.analyze(CASE).findings()) {
      if (f.slowReason().equals("threshold")) {
        keys.add(key(f.span().traceId(), f.span().spanId(), f.layer().code(), f.cause()));
      }
    }
    return keys;
  }

  /** The trace id, span id, layer and cause of each finding record of a findings message. */
  static List<String> findingKeys(byte[] message) throws IOException {
    List<String> keys = new ArrayList<>();
    ExportLogsServiceRequest r = ExportLogsServiceRequest.parseFrom(message);
    for (ResourceLogs rl : r.getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord lr : sl.getLogRecordsList()) {
          keys.add(
              key(
                  HEX.formatHex(lr.getTraceId().toByteArray()),
                  HEX.formatHex(lr.getSpanId().toByteArray()),
                  attr(lr, "isostack.layer"),
                  attr(lr, "isostack.cause")));
        }
      }
    }
    return keys;
  }

  /** The live settings of the tests: analyze's defaults with the recording's host. */
  static LiveSettings live(long eventLatenessNanos) {
    LiveSettings d = LiveSettings.defaults(AnalyzerSettings.defaults().withDefaultHost(HOST));
    return live(d.traceIdleNanos(), eventLatenessNanos);
  }

  /** The same with another trace idle time (above the longest stall of a busy test machine). */
  static LiveSettings live(long traceIdleNanos, long eventLatenessNanos) {
    LiveSettings d = LiveSettings.defaults(AnalyzerSettings.defaults().withDefaultHost(HOST));
    return new LiveSettings(
        d.analysis(),
        traceIdleNanos,
        d.traceTimeoutNanos(),
        eventLatenessNanos,
        d.retentionNanos(),
        d.maxTraces(),
        d.queueCapacity(),
        d.findingsKept());
  }

  private static String key(String traceId, String spanId, String layer, String cause) {
    return traceId + ' ' + spanId + ' ' + layer + ' ' + cause;
  }

  private static String attr(LogRecord r, String name) {
    for (io.opentelemetry.proto.common.v1.KeyValue kv : r.getAttributesList()) {
      if (kv.getKey().equals(name)) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }

  /** As the Collector's {@code batchpersignal.SplitTraces}: one request per trace id. */
  static Map<String, ExportTraceServiceRequest> splitByTrace(ExportTraceServiceRequest request) {
    Map<String, ExportTraceServiceRequest.Builder> byTrace = new LinkedHashMap<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          String id = HEX.formatHex(s.getTraceId().toByteArray());
          ExportTraceServiceRequest.Builder b =
              byTrace.computeIfAbsent(id, k -> ExportTraceServiceRequest.newBuilder());
          ResourceSpans.Builder rb = null;
          for (ResourceSpans.Builder existing : b.getResourceSpansBuilderList()) {
            if (existing.getResource().equals(rs.getResource())) {
              rb = existing;
            }
          }
          if (rb == null) {
            rb = b.addResourceSpansBuilder().setResource(rs.getResource());
          }
          ScopeSpans.Builder sb = null;
          for (ScopeSpans.Builder existing : rb.getScopeSpansBuilderList()) {
            if (existing.getScope().equals(ss.getScope())) {
              sb = existing;
            }
          }
          if (sb == null) {
            sb = rb.addScopeSpansBuilder().setScope(ss.getScope());
          }
          sb.addSpans(s);
        }
      }
    }
    Map<String, ExportTraceServiceRequest> out = new LinkedHashMap<>();
    byTrace.forEach((k, v) -> out.put(k, v.build()));
    return out;
  }
}
