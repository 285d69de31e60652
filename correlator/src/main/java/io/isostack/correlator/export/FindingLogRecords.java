package io.isostack.correlator.export;

import com.google.protobuf.ByteString;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.finding.FindingText;
import io.isostack.model.SpanView;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A finding as an OTLP protobuf log record: the same record {@link OtlpFindingExporter} emits
 * through the SDK (event name {@code isostack.finding}, the verdict as body, the attributes of
 * docs/OTLP-EXPORT.md, linked to the slow span by its trace and span ids, WARN for a kernel verdict
 * and INFO for {@code application}), built directly for transports that carry OTLP bytes, such as
 * Kafka topics read by the Collector's {@code kafka} receiver ({@code otlp_proto}). Stateless.
 */
public final class FindingLogRecords {
  private static final HexFormat HEX = HexFormat.of();

  private FindingLogRecords() {}

  /**
   * The log record of one finding.
   *
   * @param f the finding
   * @param observedEpochNanos when the finding was published, nanoseconds since the Unix epoch
   * @return the record; its time is the slow span's end
   */
  public static LogRecord logRecord(Finding f, long observedEpochNanos) {
    Objects.requireNonNull(f, "f");
    SpanView s = f.span();
    boolean kernel = FindingAttributes.isKernel(f);
    LogRecord.Builder r =
        LogRecord.newBuilder()
            .setTimeUnixNano(s.endEpochNanos())
            .setObservedTimeUnixNano(observedEpochNanos)
            .setSeverityNumber(
                kernel ? SeverityNumber.SEVERITY_NUMBER_WARN : SeverityNumber.SEVERITY_NUMBER_INFO)
            .setSeverityText(kernel ? "WARN" : "INFO")
            .setEventName(OtlpFindingExporter.EVENT_NAME)
            .setBody(AnyValue.newBuilder().setStringValue(FindingText.verdict(f)))
            .setTraceId(ByteString.copyFrom(HEX.parseHex(s.traceId())))
            .setSpanId(ByteString.copyFrom(HEX.parseHex(s.spanId())))
            .setFlags(1);
    attributes(FindingAttributes.verdict(f), r);
    return r.build();
  }

  /**
   * A request holding one finding's record, under a resource with {@code service.name} {@value
   * OtlpFindingExporter#DEFAULT_SERVICE_NAME} and the exporter's instrumentation scope.
   *
   * @param f the finding
   * @param observedEpochNanos when it was published, nanoseconds since the Unix epoch
   */
  public static ExportLogsServiceRequest request(Finding f, long observedEpochNanos) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(
                                    AnyValue.newBuilder()
                                        .setStringValue(OtlpFindingExporter.DEFAULT_SERVICE_NAME))))
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .setScope(
                            InstrumentationScope.newBuilder()
                                .setName(OtlpFindingExporter.SCOPE_NAME))
                        .addLogRecords(logRecord(f, observedEpochNanos))))
        .build();
  }

  private static void attributes(Attributes attributes, LogRecord.Builder r) {
    attributes.forEach(
        (key, value) ->
            r.addAttributes(KeyValue.newBuilder().setKey(key.getKey()).setValue(any(key, value))));
  }

  private static AnyValue any(AttributeKey<?> key, Object value) {
    AnyValue.Builder v = AnyValue.newBuilder();
    switch (key.getType()) {
      case STRING -> v.setStringValue((String) value);
      case BOOLEAN -> v.setBoolValue((Boolean) value);
      case LONG -> v.setIntValue((Long) value);
      case DOUBLE -> v.setDoubleValue((Double) value);
      case STRING_ARRAY, BOOLEAN_ARRAY, LONG_ARRAY, DOUBLE_ARRAY -> {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (Object o : (List<?>) value) {
          a.addValues(scalar(o));
        }
        v.setArrayValue(a);
      }
      default -> v.setStringValue(String.valueOf(value));
    }
    return v.build();
  }

  private static AnyValue scalar(Object o) {
    AnyValue.Builder v = AnyValue.newBuilder();
    if (o instanceof Boolean b) {
      v.setBoolValue(b);
    } else if (o instanceof Long l) {
      v.setIntValue(l);
    } else if (o instanceof Double d) {
      v.setDoubleValue(d);
    } else {
      v.setStringValue(String.valueOf(o));
    }
    return v.build();
  }
}
