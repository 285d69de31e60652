package io.isostack.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.isostack.clock.ClockConverter;
import io.isostack.model.KernelEvent;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns OTLP log records into {@link KernelEvent}s: records that carry canonical kernel-event
 * fields (docs/EVENTS.md: "the same fields may arrive as OTLP log records") become that event;
 * every other record (a runtime's or kernel's plain log line) becomes a {@code log} event ({@link
 * OtlpPlainLog}) whose {@code attrs.message} the docs/METHOD.md §3.1 keyword rules read.
 *
 * <p>A record is canonical when it has an {@code event.name} attribute, a non-empty {@code
 * event_name} field, or an {@code event.name} key in a key-value-list body.
 *
 * <p>Per record: the attributes are the canonical fields ({@code pid}, {@code dur_ns}, {@code
 * attrs} as a key-value list...); the event's name is the {@code event.name} attribute, else the
 * record's {@code event_name} field; a key-value-list body contributes fields the attributes do not
 * have. The event time is the {@code time_ns} attribute (in its {@code clock}) when present — a
 * canonical record carried verbatim, as {@code clock.sync} must be — else the record's {@code
 * time_unix_nano}, else its {@code observed_time_unix_nano}, both in the realtime clock. The host
 * is the {@code host.name} attribute, else the resource's {@code host.name}, else the default host.
 * Each record is re-encoded as one canonical JSON object and decoded by the {@link
 * KernelEventReader}, so validation, clock conversion and rejection reasons are exactly those of
 * the canonical stream; rejections carry the record's 1-based position in the request as their
 * line.
 *
 * <p>Not thread-safe: use one instance per thread or per request. The {@link ClockConverter} may be
 * shared.
 */
public final class OtlpLogEvents {
  private static final JsonFactory JSON = new JsonFactory();

  private final KernelEventReader reader;
  private final Bytes buffer = new Bytes();
  private final Set<String> written = new HashSet<>();

  /**
   * Creates a converter.
   *
   * @param clocks where {@code clock.sync} records go and where non-realtime times are converted
   * @param defaultHost the host of records without {@code host.name} in their attributes or
   *     resource
   */
  public OtlpLogEvents(ClockConverter clocks, String defaultHost) {
    this.reader = new KernelEventReader(clocks, defaultHost);
  }

  /**
   * Converts every log record of a request.
   *
   * @param request the request (from OTLP/gRPC, OTLP/HTTP protobuf, or {@link
   *     OtlpLogEventsJson#parse})
   * @param source the receiver's name, used in rejections
   * @param out receives each event
   * @param rejects receives each rejected record
   * @return the counts: {@code lines} = log records seen, {@code records} = events emitted
   */
  public ReadSummary convert(
      ExportLogsServiceRequest request,
      String source,
      Consumer<KernelEvent> out,
      RejectListener rejects) {
    Objects.requireNonNull(request, "request");
    KernelEventReader.StreamState state = new KernelEventReader.StreamState(source);
    long recordNo = 0;
    for (ResourceLogs rl : request.getResourceLogsList()) {
      List<KeyValue> resource = rl.getResource().getAttributesList();
      String resourceHost = null;
      for (KeyValue kv : resource) {
        if ("host.name".equals(kv.getKey()) && kv.getValue().hasStringValue()) {
          resourceHost = kv.getValue().getStringValue();
        }
      }
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        for (LogRecord r : sl.getLogRecordsList()) {
          recordNo++;
          if (isCanonical(r)) {
            encode(r, resourceHost);
          } else {
            OtlpPlainLog.encode(r, resource, buffer);
          }
          reader.decodeLine(buffer.array(), 0, buffer.size(), state, recordNo, out, rejects);
        }
      }
    }
    return state.summary();
  }

  /** Whether a record names a canonical event: an {@code event.name} attribute or event name. */
  private static boolean isCanonical(LogRecord r) {
    if (!r.getEventName().isEmpty() || has(r.getAttributesList(), "event.name")) {
      return true;
    }
    return r.getBody().hasKvlistValue()
        && has(r.getBody().getKvlistValue().getValuesList(), "event.name");
  }

  private void encode(LogRecord r, String resourceHost) {
    buffer.reset();
    written.clear();
    List<KeyValue> body =
        r.getBody().hasKvlistValue() ? r.getBody().getKvlistValue().getValuesList() : List.of();
    boolean ownTime = has(r.getAttributesList(), "time_ns") || has(body, "time_ns");
    try (JsonGenerator g = JSON.createGenerator(buffer)) {
      g.writeStartObject();
      fields(g, r.getAttributesList(), ownTime);
      fields(g, body, ownTime);
      if (!written.contains("event.name") && !r.getEventName().isEmpty()) {
        g.writeStringField("event.name", r.getEventName());
      }
      if (!ownTime) {
        long t = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
        if (t != 0) {
          g.writeNumberField("time_ns", t);
        }
      }
      if (!written.contains("host.name") && resourceHost != null) {
        g.writeStringField("host.name", resourceHost);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
  }

  private void fields(JsonGenerator g, List<KeyValue> kvs, boolean ownTime) throws IOException {
    for (KeyValue kv : kvs) {
      String key = kv.getKey();
      if ((!ownTime && "clock".equals(key)) || !written.add(key)) {
        continue; // without its own time_ns the record time is realtime; first value wins
      }
      g.writeFieldName(key);
      value(g, kv.getValue());
    }
  }

  static void value(JsonGenerator g, AnyValue v) throws IOException {
    switch (v.getValueCase()) {
      case STRING_VALUE -> g.writeString(v.getStringValue());
      case BOOL_VALUE -> g.writeBoolean(v.getBoolValue());
      case INT_VALUE -> g.writeNumber(v.getIntValue());
      case DOUBLE_VALUE -> {
        double d = v.getDoubleValue();
        if (Double.isFinite(d)) {
          g.writeNumber(d);
        } else {
          g.writeNull();
        }
      }
      case BYTES_VALUE ->
          g.writeString(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case KVLIST_VALUE -> {
        g.writeStartObject();
        for (KeyValue kv : v.getKvlistValue().getValuesList()) {
          g.writeFieldName(kv.getKey());
          value(g, kv.getValue());
        }
        g.writeEndObject();
      }
      case ARRAY_VALUE -> {
        g.writeStartArray();
        for (AnyValue a : v.getArrayValue().getValuesList()) {
          value(g, a);
        }
        g.writeEndArray();
      }
      default -> g.writeNull();
    }
  }

  private static boolean has(List<KeyValue> kvs, String key) {
    for (KeyValue kv : kvs) {
      if (key.equals(kv.getKey())) {
        return true;
      }
    }
    return false;
  }

  /** A reusable in-memory byte sink whose array is read without a copy. */
  static final class Bytes extends ByteArrayOutputStream {
    Bytes() {
      super(512);
    }

    byte[] array() {
      return buf;
    }
  }
}
