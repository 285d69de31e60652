package io.isostack.codec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isostack.model.SpanView;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Reads Jaeger's JSON trace model (docs/formats/06-jaeger-json.md) and emits {@link SpanView}s: the
 * query API v1 envelope {@code {"data":[trace...]}} (also what the UI's search page downloads), one
 * trace object {@code {"traceID","spans","processes"}} (the UI's trace download), a JSON array of
 * traces, or several such documents one after another.
 *
 * <p>Mapping (Jaeger {@code model/json/model.go}, OpenTelemetry's Jaeger translator): ids are hex,
 * left-padded to 32 (trace) and 16 (span) characters; the parent is the first {@code CHILD_OF}
 * reference in the same trace, else the deprecated {@code parentSpanID} field ({@code FOLLOWS_FROM}
 * is no parent, as in Jaeger's {@code Span.ParentSpanID}); {@code startTime} and {@code duration}
 * are microseconds (since the Unix epoch), turned into nanoseconds; the process ({@code
 * processes[processID]}, or a span's own {@code process}) gives {@code service.name} = {@code
 * serviceName} and its tags {@code host.name} (legacy clients: {@code hostname}), {@code
 * process.pid}, {@code container.id}, {@code k8s.pod.uid}; span tags give the kind, status and
 * socket attributes ({@link SpanTags}).
 *
 * <p>A bad span is rejected alone ({@code invalid-id}, {@code invalid-value}, {@code
 * missing-field}) with the line where its trace starts and its index in the message; syntax errors
 * ({@code invalid-json}) end the input, keeping the traces already read. Streams at the granularity
 * of one trace. Thread-safe: holds no per-read state.
 */
public final class JaegerJsonTraceReader {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Creates a reader. */
  public JaegerJsonTraceReader() {}

  /**
   * Reads a whole input until its end. Does not close {@code in}.
   *
   * @param in the bytes, UTF-8
   * @param source the input's name, used in rejections
   * @param out receives each valid span, in input order
   * @param rejects receives each rejected span or document
   * @return the counts ({@code lines} = lines read, {@code lost} is always 0)
   * @throws IOException if reading {@code in} fails (data errors never throw)
   */
  public ReadSummary read(
      InputStream in, String source, Consumer<SpanView> out, RejectListener rejects)
      throws IOException {
    SpanCounts counts = new SpanCounts(source, out, rejects);
    try (JsonParser p = MAPPER.getFactory().createParser(in)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.START_ARRAY) {
          traces(p, "", counts);
        } else if (t == JsonToken.START_OBJECT) {
          document(p, counts);
        } else {
          counts.reject(
              p.currentTokenLocation().getLineNr(),
              new BadRecord(RejectReason.INVALID_JSON, "document is not a JSON object or array"));
          p.skipChildren();
        }
      }
      counts.units = p.currentLocation().getLineNr();
    } catch (JsonProcessingException e) {
      long line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      counts.units = Math.max(counts.units, line);
      counts.reject(line, new BadRecord(RejectReason.INVALID_JSON, e.getOriginalMessage()));
    } catch (CharConversionException e) {
      counts.reject(counts.units + 1, new BadRecord(RejectReason.INVALID_ENCODING, e.getMessage()));
    }
    return counts.summary();
  }

  /** An object whose START_OBJECT is current: the {@code data} envelope or one trace. */
  private void document(JsonParser p, SpanCounts counts) throws IOException {
    long line = p.currentTokenLocation().getLineNr();
    ObjectNode trace = MAPPER.createObjectNode();
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if ("data".equals(field) && v == JsonToken.START_ARRAY) {
        traces(p, "data", counts);
      } else if (("spans".equals(field) || "processes".equals(field) || "traceID".equals(field))
          && v != JsonToken.VALUE_NULL) {
        trace.set(field, MAPPER.readTree(p));
      } else {
        p.skipChildren(); // total, limit, offset, errors, warnings
      }
    }
    if (trace.has("spans")) {
      trace(trace, line, "", counts);
    }
  }

  /** An array of traces whose START_ARRAY is current. */
  private void traces(JsonParser p, String path, SpanCounts counts) throws IOException {
    int i = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), i++) {
      if (t == null) {
        throw new JsonParseException(p, "unexpected end of input");
      }
      long line = p.currentTokenLocation().getLineNr();
      JsonNode trace = MAPPER.readTree(p);
      String where = path + "[" + i + "]";
      if (trace.isObject()) {
        trace(trace, line, where, counts);
      } else {
        counts.reject(
            line, new BadRecord(RejectReason.INVALID_VALUE, where + " is not a trace object"));
      }
    }
  }

  private void trace(JsonNode trace, long line, String where, SpanCounts counts) {
    JsonNode processes = trace.path("processes");
    JsonNode spans = trace.path("spans");
    for (int i = 0; i < spans.size(); i++) {
      JsonNode span = spans.get(i);
      try {
        counts.emit(span(span, processes));
      } catch (BadRecord e) {
        String id = span.path("spanID").asText("?");
        counts.reject(
            line,
            new BadRecord(
                e.reason(),
                where
                    + (where.isEmpty() ? "" : ".")
                    + "spans["
                    + i
                    + "] (spanID "
                    + id
                    + "): "
                    + e.getMessage()));
      }
    }
  }

  private static SpanView span(JsonNode span, JsonNode processes) throws BadRecord {
    String traceId = OtlpSpans.paddedHexId(text(span, "traceID"), 32, "traceID", false);
    String spanId = OtlpSpans.paddedHexId(text(span, "spanID"), 16, "spanID", false);
    String parent = null;
    for (JsonNode ref : span.path("references")) {
      if ("CHILD_OF".equals(ref.path("refType").asText())
          && traceId.equals(
              OtlpSpans.paddedHexId(text(ref, "traceID"), 32, "references.traceID", true))) {
        parent = OtlpSpans.paddedHexId(text(ref, "spanID"), 16, "references.spanID", false);
        break;
      }
    }
    if (parent == null) {
      parent = OtlpSpans.paddedHexId(text(span, "parentSpanID"), 16, "parentSpanID", true);
    }
    JsonNode process = span.get("process");
    if (process == null || !process.isObject()) {
      process = processes.path(span.path("processID").asText(""));
    }
    OtlpResource resource = new OtlpResource();
    String service = text(process, "serviceName");
    if (service != null) {
      resource.service = service;
    }
    String hostname = null;
    for (JsonNode kv : process.path("tags")) {
      String key = kv.path("key").asText();
      if ("hostname".equals(key)) {
        hostname = value(kv);
      } else {
        resource.attribute(key, value(kv));
      }
    }
    if (resource.host == null) {
      resource.host = hostname;
    }
    SpanTags tags = new SpanTags();
    for (JsonNode kv : span.path("tags")) {
      tags.tag(kv.path("key").asText(), value(kv));
    }
    long start = OtlpSpans.microsAsNanos(span, "startTime", true);
    long end = start + OtlpSpans.microsAsNanos(span, "duration", false);
    return OtlpSpans.view(
        resource,
        traceId,
        spanId,
        parent,
        span.path("operationName").asText(""),
        tags.kind(),
        start,
        end,
        tags.statusCode(),
        tags.socket(resource),
        tags.threadName());
  }

  private static String text(JsonNode n, String field) throws BadRecord {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new BadRecord(RejectReason.INVALID_ID, field + " is not a hex string: " + v);
    }
    return v.textValue();
  }

  /** A KV's value as text; null for binary values and non-scalars. */
  private static String value(JsonNode kv) {
    JsonNode v = kv.get("value");
    if (v == null || !v.isValueNode() || v.isNull() || "binary".equals(kv.path("type").asText())) {
      return null;
    }
    return v.isFloatingPointNumber() ? OtlpResource.doubleText(v.doubleValue()) : v.asText();
  }
}
