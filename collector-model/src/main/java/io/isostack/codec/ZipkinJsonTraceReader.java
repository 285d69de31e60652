package io.isostack.codec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.model.SpanView;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads Zipkin v2 JSON (the {@code zipkin2-api.yaml} {@code ListOfSpans}, as {@code POST
 * /api/v2/spans} takes and {@code GET /api/v2/trace/{id}} returns; or the list of traces {@code GET
 * /api/v2/traces} returns, an array of such arrays) and emits {@link SpanView}s.
 *
 * <p>Mapping (docs/formats/08-zipkin-json.md; zipkin2-api.yaml, OpenTelemetry's Zipkin receiver):
 * {@code traceId} (16 or 32 hex), {@code id} and {@code parentId} are left-padded to 32 and 16
 * characters; {@code timestamp} and {@code duration} are microseconds (since the Unix epoch),
 * turned into nanoseconds; {@code kind} {@code CLIENT}/{@code SERVER}/{@code PRODUCER}/{@code
 * CONSUMER}, absent meaning a local (internal) span; {@code localEndpoint.serviceName} is {@code
 * service.name}, its {@code ipv4}/{@code ipv6} and {@code port} the local socket, {@code
 * remoteEndpoint}'s the peer (socket tags such as {@code network.peer.address} win); the {@code
 * error} tag (any value) or {@code otel.status_code} is the status; tags named as resource
 * attributes ({@code host.name}, {@code process.pid}, {@code container.id}, {@code k8s.pod.uid},
 * which the OpenTelemetry Zipkin exporter copies into tags) fill the process fields. A {@code
 * shared} server span keeps the id of the client span it joins, as Zipkin stores it; trace assembly
 * then keeps the first of the two.
 *
 * <p>Each bad span is rejected alone ({@code invalid-id}, {@code invalid-value}, {@code
 * missing-field}) with the line where it starts; a syntax error ({@code invalid-json}) ends the
 * input, keeping the spans already read. Streams one span at a time. Thread-safe: holds no per-read
 * state.
 */
public final class ZipkinJsonTraceReader {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Creates a reader. */
  public ZipkinJsonTraceReader() {}

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
        element(p, t, counts);
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

  /** A span (object) or a list of spans or traces (array), whose first token is current. */
  private void element(JsonParser p, JsonToken t, SpanCounts counts) throws IOException {
    long line = p.currentTokenLocation().getLineNr();
    if (t == JsonToken.START_ARRAY) {
      for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
        if (e == null) {
          throw new JsonParseException(p, "unexpected end of input in a list of spans");
        }
        element(p, e, counts);
      }
    } else if (t == JsonToken.START_OBJECT) {
      JsonNode span = MAPPER.readTree(p);
      try {
        counts.emit(span(span));
      } catch (BadRecord e) {
        counts.reject(
            line,
            new BadRecord(
                e.reason(), "span " + span.path("id").asText("?") + ": " + e.getMessage()));
      }
    } else {
      counts.reject(
          line, new BadRecord(RejectReason.INVALID_VALUE, "not a span object: " + p.getText()));
      p.skipChildren();
    }
  }

  private static SpanView span(JsonNode span) throws BadRecord {
    String traceId = OtlpSpans.paddedHexId(text(span, "traceId"), 32, "traceId", false);
    String spanId = OtlpSpans.paddedHexId(text(span, "id"), 16, "id", false);
    String parent = OtlpSpans.paddedHexId(text(span, "parentId"), 16, "parentId", true);
    OtlpResource resource = new OtlpResource();
    SpanTags tags = new SpanTags();
    JsonNode local = span.path("localEndpoint");
    String service = local.path("serviceName").asText(null);
    if (service != null && !service.isEmpty()) {
      resource.service = service;
    }
    endpoint(local, "net.sock.host.addr", "net.sock.host.port", tags);
    endpoint(span.path("remoteEndpoint"), "net.sock.peer.addr", "net.sock.peer.port", tags);
    for (Map.Entry<String, JsonNode> tag : span.path("tags").properties()) {
      JsonNode v = tag.getValue();
      String value = v.isValueNode() && !v.isNull() ? v.asText() : null;
      switch (tag.getKey()) {
        case "host.name", "process.pid", "container.id", "k8s.pod.uid", "process.executable.name" ->
            resource.attribute(tag.getKey(), value);
        case "error" -> tags.tag("error", value == null || value.isEmpty() ? "true" : value);
        default -> tags.tag(tag.getKey(), value);
      }
    }
    String kind = text(span, "kind");
    if (kind != null) {
      tags.kindIfAbsent(SpanTags.kindOf(kind, "kind"));
    }
    long start = OtlpSpans.microsAsNanos(span, "timestamp", true);
    long end = start + OtlpSpans.microsAsNanos(span, "duration", false);
    return OtlpSpans.view(
        resource,
        traceId,
        spanId,
        parent,
        span.path("name").asText(""),
        tags.kind(),
        start,
        end,
        tags.statusCode(),
        tags.socket(resource),
        tags.threadName());
  }

  private static void endpoint(JsonNode e, String addressKey, String portKey, SpanTags tags) {
    if (!e.isObject()) {
      return;
    }
    String address = e.path("ipv4").asText(null);
    tags.socket(addressKey, address != null ? address : e.path("ipv6").asText(null));
    JsonNode port = e.get("port");
    if (port != null && port.isIntegralNumber() && port.intValue() != 0) {
      tags.socket(portKey, port.asText());
    }
  }

  private static String text(JsonNode n, String field) throws BadRecord {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new BadRecord(RejectReason.INVALID_VALUE, field + " is not a string: " + v);
    }
    return v.textValue();
  }
}
