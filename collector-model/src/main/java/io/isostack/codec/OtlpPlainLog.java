package io.isostack.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Encodes an OTLP log record without canonical fields (a plain log line) as one canonical {@code
 * log} event (docs/EVENTS.md: {@code log}, {@code attrs.message}), for {@link OtlpLogEvents}.
 *
 * <p>Mapping: {@code attrs.message} = the body (a string as it is; a map or array as JSON; other
 * scalars as text); {@code attrs.severity} = {@code severityText}, {@code attrs.severity_number} =
 * {@code severityNumber} (when set); {@code attrs.trace_id}, {@code attrs.span_id} = the record's
 * ids in lowercase hex (when set); the record's scalar attributes, then the resource's, as {@code
 * attrs} text (the record's win). From the resource: {@code host.name}, {@code process.pid} →
 * {@code pid}, {@code container.id}, {@code k8s.pod.uid}, so the event joins by host, process or
 * container (docs/METHOD.md §5). Time: {@code timeUnixNano}, else {@code observedTimeUnixNano}
 * (realtime); a record with neither is rejected by the canonical decoder ({@code missing-field}).
 * {@code source} is {@code otlp-log}.
 *
 * <p>Stateless and thread-safe.
 */
final class OtlpPlainLog {
  private static final JsonFactory JSON = new JsonFactory();
  private static final HexFormat HEX = HexFormat.of();

  private OtlpPlainLog() {}

  /** Writes the record's canonical JSON into {@code out}, which is reset first. */
  static void encode(LogRecord r, List<KeyValue> resource, OtlpLogEvents.Bytes out) {
    out.reset();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("event.name", "log");
      long t = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
      if (t != 0) {
        g.writeNumberField("time_ns", t);
      }
      for (KeyValue kv : resource) {
        AnyValue v = kv.getValue();
        switch (kv.getKey()) {
          case "host.name", "container.id", "k8s.pod.uid" -> {
            if (v.hasStringValue()) {
              g.writeStringField(kv.getKey(), v.getStringValue());
            }
          }
          case "process.pid" -> {
            if (v.hasIntValue() && v.getIntValue() > 0 && v.getIntValue() <= Integer.MAX_VALUE) {
              g.writeNumberField("pid", v.getIntValue());
            }
          }
          default -> {}
        }
      }
      g.writeStringField("source", "otlp-log");
      g.writeObjectFieldStart("attrs");
      g.writeStringField("message", text(r.getBody()));
      if (!r.getSeverityText().isEmpty()) {
        g.writeStringField("severity", r.getSeverityText());
      }
      if (r.getSeverityNumberValue() != 0) {
        g.writeStringField("severity_number", Integer.toString(r.getSeverityNumberValue()));
      }
      id(g, "trace_id", r.getTraceId());
      id(g, "span_id", r.getSpanId());
      Set<String> written = new HashSet<>(List.of("message", "severity", "trace_id", "span_id"));
      scalars(g, r.getAttributesList(), written);
      scalars(g, resource, written);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
  }

  private static void id(JsonGenerator g, String field, ByteString id) throws IOException {
    if (!id.isEmpty()) {
      g.writeStringField(field, HEX.formatHex(id.toByteArray()));
    }
  }

  private static void scalars(JsonGenerator g, List<KeyValue> kvs, Set<String> written)
      throws IOException {
    for (KeyValue kv : kvs) {
      AnyValue v = kv.getValue();
      if (!v.hasKvlistValue() && !v.hasArrayValue() && written.add(kv.getKey())) {
        g.writeStringField(kv.getKey(), text(v));
      }
    }
  }

  /** A value as text: strings as they are, maps and arrays as JSON, other scalars printed. */
  static String text(AnyValue v) throws IOException {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case BYTES_VALUE -> HEX.formatHex(v.getBytesValue().toByteArray());
      case KVLIST_VALUE, ARRAY_VALUE -> {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
          OtlpLogEvents.value(g, v);
        }
        yield w.toString();
      }
      default -> "";
    };
  }
}
