package io.isostack.correlator.server;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.Locale;

/** OTLP requests for tests, in protobuf and OTLP/JSON. */
final class OtlpData {
  static final String TRACE = "5b8efff798038103d269b633813fc60c";

  private OtlpData() {}

  static String spanId(int n) {
    return String.format(Locale.ROOT, "%016x", n);
  }

  static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static KeyValue attr(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  static Resource resource() {
    return Resource.newBuilder()
        .addAttributes(attr("service.name", "backend"))
        .addAttributes(attr("host.name", ServeFixture.HOST))
        .addAttributes(attr("process.pid", 4242))
        .build();
  }

  static Span span(String spanIdHex, String name, long startNanos, long endNanos) {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(TRACE)))
        .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanIdHex)))
        .setName(name)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(startNanos)
        .setEndTimeUnixNano(endNanos)
        .build();
  }

  /** Two valid spans and one whose span id is all zeros. */
  static ExportTraceServiceRequest withOneInvalidSpan(long now) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(resource())
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .addSpans(span(spanId(1), "GET /a", now - 5_000_000, now))
                        .addSpans(span(spanId(0), "GET /zero", now - 5_000_000, now))
                        .addSpans(span(spanId(2), "GET /b", now - 5_000_000, now))))
        .build();
  }

  /** The same as OTLP/JSON, hex ids. */
  static String withOneInvalidSpanJson(long now) {
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":["
        + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"backend\"}},"
        + "{\"key\":\"host.name\",\"value\":{\"stringValue\":\"node-1\"}}]},"
        + "\"scopeSpans\":[{\"spans\":["
        + jsonSpan(spanId(1), null, "GET /a", now - 5_000_000, now)
        + ","
        + jsonSpan(spanId(0), null, "GET /zero", now - 5_000_000, now)
        + ","
        + jsonSpan(spanId(2), null, "GET /b", now - 5_000_000, now)
        + "]}]}]}";
  }

  static String jsonSpan(String id, String parent, String name, long start, long end) {
    return "{\"traceId\":\""
        + TRACE.toUpperCase(Locale.ROOT)
        + "\",\"spanId\":\""
        + id
        + "\""
        + (parent == null ? "" : ",\"parentSpanId\":\"" + parent + "\"")
        + ",\"name\":\""
        + name
        + "\",\"kind\":2,\"startTimeUnixNano\":\""
        + start
        + "\",\"endTimeUnixNano\":\""
        + end
        + "\"}";
  }

  /** A log record carrying a canonical event: attributes are the fields. */
  static LogRecord runqLog(long timeNanos, int pid, long durNanos) {
    return LogRecord.newBuilder()
        .setTimeUnixNano(timeNanos)
        .addAttributes(attr("event.name", "sched.runq_latency"))
        .addAttributes(attr("pid", pid))
        .addAttributes(attr("tid", pid))
        .addAttributes(attr("dur_ns", durNanos))
        .build();
  }

  /** One valid event (event.name as an attribute), one via the event_name field, one unknown. */
  static ExportLogsServiceRequest logs(long now) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attr("host.name", "node-7")))
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .addLogRecords(runqLog(now, 4242, 1_000_000))
                        .addLogRecords(
                            LogRecord.newBuilder()
                                .setObservedTimeUnixNano(now)
                                .setEventName("tcp.retransmit")
                                .addAttributes(attr("saddr", "10.0.0.1"))
                                .addAttributes(attr("sport", 8080))
                                .addAttributes(attr("daddr", "10.0.0.2"))
                                .addAttributes(attr("dport", 51544)))
                        .addLogRecords(
                            LogRecord.newBuilder()
                                .setTimeUnixNano(now)
                                .addAttributes(attr("event.name", "no.such.event")))))
        .build();
  }
}
