package io.isostack.codec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.util.Base64;

/**
 * Reads an OTLP/JSON logs request ({@code {"resourceLogs":[...]}}, docs/formats/05-otlp.md) into
 * its protobuf form, for {@link OtlpLogEvents}.
 *
 * <p>The OTLP/JSON rules apply: {@code traceId} and {@code spanId} are hex (case-insensitive),
 * never base64; 64-bit integers may be strings or numbers; enums are integers; unknown fields are
 * ignored. The snake_case keys the Collector also accepts ({@code resource_logs}, {@code
 * time_unix_nano}...) are accepted too. The document is read whole: it is an HTTP body already
 * bounded by the receiver's size limit.
 *
 * <p>Stateless and thread-safe.
 */
public final class OtlpLogEventsJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OtlpLogEventsJson() {}

  /**
   * Parses one request.
   *
   * @param body the JSON bytes, UTF-8
   * @param off where the document starts
   * @param len its length
   * @return the request
   * @throws IllegalArgumentException if the body is not JSON or not an OTLP logs request (the
   *     message names the field)
   */
  public static ExportLogsServiceRequest parse(byte[] body, int off, int len) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body, off, len);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
    for (JsonNode rl : array(root, "resourceLogs", "resource_logs")) {
      ResourceLogs.Builder b = request.addResourceLogsBuilder();
      JsonNode resource = rl.get("resource");
      if (resource != null && resource.isObject()) {
        Resource.Builder r = b.getResourceBuilder();
        for (JsonNode kv : array(resource, "attributes", "attributes")) {
          r.addAttributes(keyValue(kv));
        }
      }
      for (JsonNode sl : array(rl, "scopeLogs", "scope_logs")) {
        ScopeLogs.Builder s = b.addScopeLogsBuilder();
        for (JsonNode lr : array(sl, "logRecords", "log_records")) {
          s.addLogRecords(logRecord(lr));
        }
      }
    }
    return request.build();
  }

  private static LogRecord logRecord(JsonNode n) {
    LogRecord.Builder b = LogRecord.newBuilder();
    b.setTimeUnixNano(int64(field(n, "timeUnixNano", "time_unix_nano"), "timeUnixNano"));
    b.setObservedTimeUnixNano(
        int64(field(n, "observedTimeUnixNano", "observed_time_unix_nano"), "observedTimeUnixNano"));
    b.setSeverityNumberValue(
        (int) int64(field(n, "severityNumber", "severity_number"), "severityNumber"));
    JsonNode text = field(n, "severityText", "severity_text");
    if (text != null && text.isTextual()) {
      b.setSeverityText(text.asText());
    }
    JsonNode name = field(n, "eventName", "event_name");
    if (name != null && name.isTextual()) {
      b.setEventName(name.asText());
    }
    JsonNode body = n.get("body");
    if (body != null && body.isObject()) {
      b.setBody(anyValue(body));
    }
    for (JsonNode kv : array(n, "attributes", "attributes")) {
      b.addAttributes(keyValue(kv));
    }
    b.setFlags((int) int64(n.get("flags"), "flags"));
    b.setTraceId(hex(field(n, "traceId", "trace_id"), 16, "traceId"));
    b.setSpanId(hex(field(n, "spanId", "span_id"), 8, "spanId"));
    return b.build();
  }

  private static KeyValue keyValue(JsonNode kv) {
    JsonNode key = kv.get("key");
    if (key == null || !key.isTextual()) {
      throw new IllegalArgumentException("attribute without a string key: " + kv);
    }
    JsonNode value = kv.get("value");
    KeyValue.Builder b = KeyValue.newBuilder().setKey(key.asText());
    if (value != null && value.isObject()) {
      b.setValue(anyValue(value));
    }
    return b.build();
  }

  private static AnyValue anyValue(JsonNode v) {
    AnyValue.Builder b = AnyValue.newBuilder();
    JsonNode x;
    if ((x = field(v, "stringValue", "string_value")) != null) {
      b.setStringValue(x.asText());
    } else if ((x = field(v, "boolValue", "bool_value")) != null) {
      b.setBoolValue(x.isBoolean() ? x.booleanValue() : "true".equals(x.asText()));
    } else if ((x = field(v, "intValue", "int_value")) != null) {
      b.setIntValue(int64(x, "intValue"));
    } else if ((x = field(v, "doubleValue", "double_value")) != null) {
      b.setDoubleValue(double64(x));
    } else if ((x = field(v, "kvlistValue", "kvlist_value")) != null) {
      KeyValueList.Builder l = b.getKvlistValueBuilder();
      for (JsonNode kv : array(x, "values", "values")) {
        l.addValues(keyValue(kv));
      }
    } else if ((x = field(v, "arrayValue", "array_value")) != null) {
      ArrayValue.Builder a = b.getArrayValueBuilder();
      for (JsonNode e : array(x, "values", "values")) {
        a.addValues(anyValue(e));
      }
    } else if ((x = field(v, "bytesValue", "bytes_value")) != null) {
      try {
        b.setBytesValue(ByteString.copyFrom(Base64.getDecoder().decode(x.asText())));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bytesValue is not base64: " + x.asText(), e);
      }
    }
    return b.build();
  }

  private static JsonNode field(JsonNode n, String camel, String snake) {
    JsonNode v = n.get(camel);
    if (v == null || v.isNull()) {
      v = n.get(snake);
    }
    return v == null || v.isNull() ? null : v;
  }

  private static Iterable<JsonNode> array(JsonNode n, String camel, String snake) {
    JsonNode v = field(n, camel, snake);
    if (v == null) {
      return java.util.List.of();
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(camel + " is not an array");
    }
    return v;
  }

  private static long int64(JsonNode v, String name) {
    if (v == null) {
      return 0;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isTextual()) {
      try {
        return Long.parseLong(v.asText());
      } catch (NumberFormatException e) {
        try {
          return Long.parseUnsignedLong(v.asText());
        } catch (NumberFormatException e2) {
          throw new IllegalArgumentException(name + " is not an integer: " + v.asText(), e2);
        }
      }
    }
    throw new IllegalArgumentException(name + " is not an integer: " + v);
  }

  private static double double64(JsonNode v) {
    if (v.isNumber()) {
      return v.doubleValue();
    }
    String t = v.asText();
    switch (t) {
      case "NaN":
        return Double.NaN;
      case "Infinity":
        return Double.POSITIVE_INFINITY;
      case "-Infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(t);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("doubleValue is not a number: " + t, e);
        }
    }
  }

  private static ByteString hex(JsonNode v, int bytes, String name) {
    if (v == null || v.asText().isEmpty()) {
      return ByteString.EMPTY;
    }
    String s = v.asText();
    if (s.length() != bytes * 2) {
      throw new IllegalArgumentException(
          name + " must be " + (bytes * 2) + " hex digits, got '" + s + "'");
    }
    byte[] out = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      int hi = Character.digit(s.charAt(2 * i), 16);
      int lo = Character.digit(s.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException(name + " is not hex: '" + s + "'");
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return ByteString.copyFrom(out);
  }
}
