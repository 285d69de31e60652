package io.isostack.correlator.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A capture receiver for the recorder: accepts OTLP/HTTP protobuf trace exports ({@code POST
 * /v1/traces}, as the OpenTelemetry Java agent sends them with {@code
 * otel.exporter.otlp.protocol=http/protobuf}), decodes each with the official proto classes and
 * appends it to a file in the OpenTelemetry Collector file exporter's framing: one {@code
 * ExportTraceServiceRequest} per line in OTLP/JSON (hex trace and span ids, enums as integers,
 * 64-bit integers as strings, camelCase field names: the OTLP specification's JSON encoding).
 *
 * <p>Thread-safe: requests are written one at a time.
 */
public final class TraceCapture implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private final HttpServer server;
  private final BufferedWriter out;
  private long requests;
  private long spans;

  /**
   * Starts listening on a free port of the address and creates (or truncates) the file.
   *
   * @param bind the address to listen on (the services must reach it)
   * @param file where the requests are written
   * @throws IOException if it cannot listen or create the file
   */
  public TraceCapture(String bind, Path file) throws IOException {
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.server = HttpServer.create(new InetSocketAddress(bind, 0), 64);
    server.createContext("/v1/traces", this::handle);
    server.start();
  }

  /** The endpoint to give the exporter: {@code http://ADDRESS:PORT}. */
  public String endpoint() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /** Spans written so far. */
  public synchronized long spans() {
    return spans;
  }

  /** Export requests written so far. */
  public synchronized long requests() {
    return requests;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!"POST".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      InputStream body = ex.getRequestBody();
      if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
        body = new GZIPInputStream(body);
      }
      ExportTraceServiceRequest req;
      try {
        req = ExportTraceServiceRequest.parseFrom(body);
      } catch (IOException e) {
        ex.sendResponseHeaders(400, -1);
        return;
      }
      write(req);
      byte[] reply = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      ex.sendResponseHeaders(200, reply.length == 0 ? -1 : reply.length);
      ex.getResponseBody().write(reply);
    }
  }

  private synchronized void write(ExportTraceServiceRequest req) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode rss = root.putArray("resourceSpans");
    for (ResourceSpans rs : req.getResourceSpansList()) {
      ObjectNode r = rss.addObject();
      resource(r.putObject("resource"), rs.getResource());
      ArrayNode sss = r.putArray("scopeSpans");
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        ObjectNode o = sss.addObject();
        ObjectNode scope = o.putObject("scope");
        scope.put("name", ss.getScope().getName());
        if (!ss.getScope().getVersion().isEmpty()) {
          scope.put("version", ss.getScope().getVersion());
        }
        ArrayNode spanArray = o.putArray("spans");
        for (Span sp : ss.getSpansList()) {
          span(spanArray.addObject(), sp);
          spans++;
        }
        if (!ss.getSchemaUrl().isEmpty()) {
          o.put("schemaUrl", ss.getSchemaUrl());
        }
      }
      if (!rs.getSchemaUrl().isEmpty()) {
        r.put("schemaUrl", rs.getSchemaUrl());
      }
    }
    out.write(JSON.writeValueAsString(root));
    out.write('\n');
    out.flush();
    requests++;
  }

  private static void resource(ObjectNode o, Resource r) {
    attributes(o, r.getAttributesList());
  }

  private static void span(ObjectNode o, Span s) {
    o.put("traceId", hex(s.getTraceId()));
    o.put("spanId", hex(s.getSpanId()));
    if (!s.getTraceState().isEmpty()) {
      o.put("traceState", s.getTraceState());
    }
    o.put("parentSpanId", hex(s.getParentSpanId()));
    if (s.getFlags() != 0) {
      o.put("flags", s.getFlags());
    }
    o.put("name", s.getName());
    o.put("kind", s.getKindValue());
    o.put("startTimeUnixNano", Long.toUnsignedString(s.getStartTimeUnixNano()));
    o.put("endTimeUnixNano", Long.toUnsignedString(s.getEndTimeUnixNano()));
    attributes(o, s.getAttributesList());
    if (s.getEventsCount() > 0) {
      ArrayNode events = o.putArray("events");
      for (Span.Event e : s.getEventsList()) {
        ObjectNode ev = events.addObject();
        ev.put("timeUnixNano", Long.toUnsignedString(e.getTimeUnixNano()));
        ev.put("name", e.getName());
        attributes(ev, e.getAttributesList());
      }
    }
    if (s.getLinksCount() > 0) {
      ArrayNode links = o.putArray("links");
      for (Span.Link l : s.getLinksList()) {
        ObjectNode ln = links.addObject();
        ln.put("traceId", hex(l.getTraceId()));
        ln.put("spanId", hex(l.getSpanId()));
        attributes(ln, l.getAttributesList());
      }
    }
    ObjectNode status = o.putObject("status");
    if (!s.getStatus().getMessage().isEmpty()) {
      status.put("message", s.getStatus().getMessage());
    }
    if (s.getStatus().getCodeValue() != 0) {
      status.put("code", s.getStatus().getCodeValue());
    }
  }

  private static void attributes(ObjectNode o, List<KeyValue> kvs) {
    if (kvs.isEmpty()) {
      return;
    }
    ArrayNode a = o.putArray("attributes");
    for (KeyValue kv : kvs) {
      ObjectNode e = a.addObject();
      e.put("key", kv.getKey());
      value(e.putObject("value"), kv.getValue());
    }
  }

  private static void value(ObjectNode o, AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE -> o.put("stringValue", v.getStringValue());
      case BOOL_VALUE -> o.put("boolValue", v.getBoolValue());
      case INT_VALUE -> o.put("intValue", Long.toString(v.getIntValue()));
      case DOUBLE_VALUE -> o.put("doubleValue", v.getDoubleValue());
      case BYTES_VALUE ->
          o.put(
              "bytesValue",
              java.util.Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        ArrayNode values = o.putObject("arrayValue").putArray("values");
        for (AnyValue x : v.getArrayValue().getValuesList()) {
          value(values.addObject(), x);
        }
      }
      case KVLIST_VALUE -> {
        ObjectNode kv = o.putObject("kvlistValue");
        attributes(kv, v.getKvlistValue().getValuesList());
        if (!kv.has("attributes")) {
          kv.putArray("values");
        } else {
          kv.set("values", kv.remove("attributes"));
        }
      }
      default -> {}
    }
  }

  private static String hex(ByteString b) {
    return HEX.formatHex(b.toByteArray());
  }

  /** Stops listening (waiting up to 1 s for exports in progress) and closes the file. */
  @Override
  public void close() throws IOException {
    server.stop(1);
    synchronized (this) {
      out.close();
    }
  }
}
