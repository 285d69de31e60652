package io.isostack.codec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads OTLP traces in the OTLP/JSON encoding (docs/formats/05-otlp.md) and emits {@link
 * SpanView}s.
 *
 * <p>Two framings are accepted and told apart by the first non-blank line: if it is a complete JSON
 * object (or at least starts with <code>{</code> and ends with <code>}</code>), the input is the
 * Collector file exporter's NDJSON, one {@code ExportTraceServiceRequest} per line (lines holding
 * {@code resourceLogs} or {@code resourceMetrics} instead are skipped without rejection); otherwise
 * it is one (pretty-printed) document, or several concatenated, streamed at the granularity of one
 * {@code resourceSpans} element, never the whole document at once.
 *
 * <p>Ids are hex, case-insensitive, stored lower case; they are never read as base64 (protobuf's
 * {@code JsonFormat} would silently mis-decode them). An empty or all-zero {@code parentSpanId}
 * means a root span. 64-bit integers may be strings or numbers; enums are integers (names are
 * tolerated). Each bad span is rejected alone ({@code invalid-id}, {@code invalid-value}, {@code
 * missing-field}) with the line number in line mode, or the line where its {@code resourceSpans}
 * element starts in document mode. A line that is not valid JSON is rejected ({@code invalid-json})
 * with none of its spans emitted, and reading goes on; in document mode a syntax error ends the
 * document, keeping the spans already emitted.
 *
 * <p>NDJSON lines are decoded straight from Jackson's tokens ({@link OtlpJsonSpanDecoder}); a line
 * in an unusual shape (a repeated field, a kind given by name, {@code scope_spans}...) and document
 * mode are read from a tree per {@code resourceSpans} element, with the same result.
 *
 * <p>Thread-safe: holds no per-read state.
 */
public final class OtlpJsonTraceReader {

  /** The longest NDJSON line accepted, in bytes. */
  public static final int MAX_LINE_BYTES = SizeLimits.MAX_RECORD_BYTES;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Creates a reader. */
  public OtlpJsonTraceReader() {}

  /**
   * Reads a whole input until its end. Does not close {@code in}.
   *
   * @param in the bytes, UTF-8
   * @param source the input's name, used in rejections
   * @param out receives each valid span, in input order
   * @param rejects receives each rejected span, line or document
   * @return the counts ({@code lost} is always 0)
   * @throws IOException if reading {@code in} fails (data errors never throw)
   */
  public ReadSummary read(
      InputStream in, String source, Consumer<SpanView> out, RejectListener rejects)
      throws IOException {
    SpanCounts counts = new SpanCounts(source, out, rejects);
    byte[] head = new byte[8192];
    int headLen = 0;
    int lineStart = 0;
    int newlines = 0;
    int firstEnd = -1;
    boolean nonBlank = false;
    scan:
    while (true) {
      int n = in.read(head, headLen, head.length - headLen);
      if (n < 0) {
        break;
      }
      for (int i = headLen; i < headLen + n; i++) {
        byte b = head[i];
        if (b == '\n') {
          if (nonBlank) {
            firstEnd = i;
            headLen += n;
            break scan;
          }
          newlines++;
          lineStart = i + 1;
        } else if (b != ' ' && b != '\t' && b != '\r') {
          nonBlank = true;
        }
      }
      headLen += n;
      if (headLen == head.length) {
        if (headLen >= MAX_LINE_BYTES) {
          // No line end within the limit: not JSON Lines; read as one streamed document, so that
          // a single huge line never has to be held whole.
          InputStream all = new ByteArrayInputStream(head, lineStart, headLen - lineStart);
          counts.units = newlines;
          readDocument(new SequenceInputStream(all, in), counts);
          return counts.summary();
        }
        head = Arrays.copyOf(head, (int) Math.min((long) head.length * 2, MAX_LINE_BYTES));
      }
    }
    if (!nonBlank) {
      counts.units = newlines + (headLen > lineStart ? 1 : 0);
      return counts.summary();
    }
    int lineEnd = firstEnd < 0 ? headLen : firstEnd;
    if (looksLikeLine(head, lineStart, lineEnd - lineStart)) {
      long firstLineNo = newlines + 1L;
      counts.units = firstLineNo;
      Lines lines = new Lines(counts);
      lines.read(head, lineStart, lineEnd - lineStart, firstLineNo);
      if (firstEnd >= 0) {
        InputStream rest = new ByteArrayInputStream(head, firstEnd + 1, headLen - firstEnd - 1);
        readLines(new SequenceInputStream(rest, in), firstLineNo, lines);
      }
    } else {
      InputStream all = new ByteArrayInputStream(head, 0, headLen);
      readDocument(firstEnd < 0 ? all : new SequenceInputStream(all, in), counts);
    }
    return counts.summary();
  }

  private static boolean looksLikeLine(byte[] b, int off, int len) {
    int s = off;
    int e = off + len;
    while (s < e && (b[s] == ' ' || b[s] == '\t' || b[s] == '\r')) {
      s++;
    }
    while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t' || b[e - 1] == '\r')) {
      e--;
    }
    if (e - s >= 2 && b[s] == '{' && b[e - 1] == '}') {
      return true;
    }
    try (JsonParser p = MAPPER.getFactory().createParser(b, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e2) {
      return false;
    }
  }

  private void readLines(InputStream rest, long lineOffset, Lines lines) throws IOException {
    SpanCounts counts = lines.counts;
    new LineSplitter(64 * 1024, MAX_LINE_BYTES)
        .splitBlocks(
            rest,
            new LineSplitter.BlockHandler() {
              @Override
              public long lines(byte[] buf, int off, int len, long lineNo) {
                int end = off + len;
                long n = 0;
                for (int start = off; start < end; ) {
                  int nl = NewlineScan.indexOf(buf, start, end);
                  int lineEnd = nl < 0 ? end : nl;
                  int l = lineEnd - start;
                  if (l > 0 && buf[start + l - 1] == '\r') {
                    l--;
                  }
                  long no = lineOffset + lineNo + ++n;
                  counts.units = no;
                  if (!LineSplitter.isBlank(buf, start, l)) {
                    lines.read(buf, start, l, no);
                  }
                  start = lineEnd + 1;
                }
                return n;
              }

              @Override
              public void tooLong(long lineNo, int maxLineBytes) {
                counts.units = lineOffset + lineNo;
                counts.reject(
                    lineOffset + lineNo,
                    new BadRecord(
                        RejectReason.LINE_TOO_LONG,
                        "line longer than " + maxLineBytes + " bytes skipped"));
              }
            });
  }

  /**
   * The NDJSON lines of one read: each decoded straight from Jackson's tokens by an {@link
   * OtlpJsonSpanDecoder}, or, when it is not in the usual shape or not valid JSON, from a tree by
   * {@link #readLineTree}, whose result is the reference. Not thread-safe: one per read.
   */
  static final class Lines {
    final SpanCounts counts;
    final OtlpJsonSpanDecoder decoder = new OtlpJsonSpanDecoder();
    final List<Object> decoded = new ArrayList<>();

    Lines(SpanCounts counts) {
      this.counts = counts;
    }

    void read(byte[] buf, int off, int len, long lineNo) {
      decoded.clear();
      if (!decode(buf, off, len)) {
        readLineTree(buf, off, len, lineNo, counts);
        return;
      }
      for (Object o : decoded) { // spans first, then rejections, as the tree reading gives them
        if (o instanceof SpanView span) {
          counts.emit(span);
        }
      }
      for (Object o : decoded) {
        if (o instanceof BadRecord bad) {
          counts.reject(lineNo, bad);
        }
      }
    }

    /** Decodes a line into {@link #decoded}; false if the tree reading must decide. */
    boolean decode(byte[] buf, int off, int len) {
      try (JsonParser p = MAPPER.getFactory().createParser(buf, off, len)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return false;
        }
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
          String field = p.currentName();
          JsonToken v = p.nextToken();
          if ((field.equals("resourceSpans") || field.equals("resource_spans"))
              && v == JsonToken.START_ARRAY) {
            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
              if (e == null) {
                return false;
              }
              if (e == JsonToken.START_OBJECT) {
                decoder.resourceSpans(p, decoded);
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
        }
        return p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null;
      } catch (IOException | OtlpJsonSpanDecoder.Unusual e) {
        decoded.clear();
        return false;
      }
    }
  }

  /** One NDJSON line read from a tree: spans and rejections are held until it has parsed. */
  static void readLineTree(byte[] buf, int off, int len, long lineNo, SpanCounts counts) {
    List<SpanView> spans = new ArrayList<>();
    List<Rejection> bad = new ArrayList<>(0);
    SpanCounts lineCounts = new SpanCounts(counts.source, spans::add, bad::add);
    try (JsonParser p = MAPPER.getFactory().createParser(buf, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new BadRecord(RejectReason.INVALID_JSON, "line is not a JSON object");
      }
      request(p, lineNo, lineCounts);
      if (p.nextToken() != null) {
        throw new BadRecord(RejectReason.INVALID_JSON, "data after the JSON object");
      }
    } catch (JsonProcessingException e) {
      counts.reject(lineNo, new BadRecord(RejectReason.INVALID_JSON, e.getOriginalMessage()));
      return;
    } catch (IOException e) {
      counts.reject(lineNo, new BadRecord(RejectReason.INVALID_JSON, e.getMessage()));
      return;
    } catch (BadRecord e) {
      counts.reject(lineNo, e);
      return;
    }
    for (SpanView s : spans) {
      counts.emit(s);
    }
    counts.selfParent += lineCounts.selfParent;
    for (Rejection r : bad) {
      counts.rejected++;
      counts.rejects.rejected(r);
    }
  }

  private void readDocument(InputStream in, SpanCounts counts) throws IOException {
    try (JsonParser p = MAPPER.getFactory().createParser(in)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t != JsonToken.START_OBJECT) {
          counts.reject(
              p.currentTokenLocation().getLineNr(),
              new BadRecord(RejectReason.INVALID_JSON, "document is not a JSON object"));
          return;
        }
        request(p, -1, counts);
      }
      counts.units = p.currentLocation().getLineNr();
    } catch (JsonProcessingException e) {
      long line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      counts.units = Math.max(counts.units, line);
      counts.reject(line, new BadRecord(RejectReason.INVALID_JSON, e.getOriginalMessage()));
    } catch (CharConversionException e) {
      counts.reject(counts.units + 1, new BadRecord(RejectReason.INVALID_ENCODING, e.getMessage()));
    }
  }

  /** Reads one ExportTraceServiceRequest object whose START_OBJECT is current. */
  private static void request(JsonParser p, long lineNo, SpanCounts counts) throws IOException {
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (("resourceSpans".equals(field) || "resource_spans".equals(field))
          && v == JsonToken.START_ARRAY) {
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          if (e == null) {
            throw new JsonParseException(p, "unexpected end of input in resourceSpans");
          }
          if (e != JsonToken.START_OBJECT) {
            p.skipChildren(); // not a ResourceSpans: nothing to read
            continue;
          }
          long line = lineNo > 0 ? lineNo : p.currentTokenLocation().getLineNr();
          JsonNode rs = MAPPER.readTree(p);
          resourceSpans(rs, line, counts);
        }
      } else {
        p.skipChildren(); // resourceLogs, resourceMetrics and unknown fields
      }
    }
  }

  private static void resourceSpans(JsonNode rs, long line, SpanCounts counts) {
    OtlpResource resource = new OtlpResource();
    for (JsonNode kv : rs.path("resource").path("attributes")) {
      resource.attribute(kv.path("key").asText(), anyValueText(kv.path("value")));
    }
    JsonNode scopes = rs.has("scopeSpans") ? rs.get("scopeSpans") : rs.path("scope_spans");
    for (JsonNode scope : scopes) {
      for (JsonNode span : scope.path("spans")) {
        try {
          counts.emit(span(resource, span));
        } catch (BadRecord e) {
          counts.reject(line, e);
        }
      }
    }
  }

  private static SpanView span(OtlpResource resource, JsonNode span) throws BadRecord {
    String traceId = OtlpSpans.hexId(idText(span, "traceId"), 32, "traceId", false);
    String spanId = OtlpSpans.hexId(idText(span, "spanId"), 16, "spanId", false);
    String parent = OtlpSpans.hexId(idText(span, "parentSpanId"), 16, "parentSpanId", true);
    SpanKind kind = SpanKind.fromOtlp(kindNumber(span.get("kind")));
    var socket = resource.socketBuilder(kind);
    String threadName = null;
    for (JsonNode kv : span.path("attributes")) {
      String text = anyValueText(kv.path("value"));
      if (text != null) {
        if ("thread.name".equals(kv.path("key").asText())) {
          threadName = text;
        } else {
          socket.set(kv.path("key").asText(), text);
        }
      }
    }
    JsonNode code = span.path("status").get("code");
    int status = code == null ? 0 : code.asInt(0);
    return OtlpSpans.view(
        resource,
        traceId,
        spanId,
        parent,
        span.path("name").asText(""),
        kind,
        time(span.get("startTimeUnixNano"), "startTimeUnixNano"),
        time(span.get("endTimeUnixNano"), "endTimeUnixNano"),
        status,
        socket,
        threadName);
  }

  private static String idText(JsonNode span, String field) throws BadRecord {
    JsonNode n = span.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new BadRecord(RejectReason.INVALID_ID, field + " is not a hex string: " + n);
    }
    return n.textValue();
  }

  private static int kindNumber(JsonNode n) throws BadRecord {
    if (n == null || n.isNull()) {
      return 0;
    }
    if (n.isInt()) {
      return n.intValue();
    }
    if (n.isTextual()) {
      try {
        return Integer.parseInt(n.textValue().trim());
      } catch (NumberFormatException e) {
        try {
          return Span.SpanKind.valueOf(n.textValue()).getNumber();
        } catch (IllegalArgumentException e2) {
          throw new BadRecord(RejectReason.INVALID_VALUE, "kind is not a span kind: " + n);
        }
      }
    }
    throw new BadRecord(RejectReason.INVALID_VALUE, "kind is not a span kind: " + n);
  }

  /** A fixed64 time as a string or number; 0 when absent. */
  private static long time(JsonNode n, String field) throws BadRecord {
    if (n == null || n.isNull()) {
      return 0;
    }
    try {
      if (n.isTextual()) {
        return Long.parseUnsignedLong(n.textValue().trim());
      }
      if (n.isIntegralNumber() && n.canConvertToLong()) {
        long v = n.longValue();
        if (v >= 0) {
          return v;
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadRecord(
        RejectReason.INVALID_VALUE,
        field + " is not an unsigned 64-bit integer: " + OtlpSpans.excerpt(n.toString()));
  }

  /** The text of an AnyValue's scalar, or null for arrays, kvlists, bytes and empty values. */
  static String anyValueText(JsonNode v) {
    JsonNode s = v.get("stringValue");
    if (s != null) {
      return s.asText();
    }
    JsonNode i = v.get("intValue");
    if (i != null) {
      return i.asText().trim();
    }
    JsonNode d = v.get("doubleValue");
    if (d != null) {
      return d.isNumber() ? OtlpResource.doubleText(d.doubleValue()) : d.asText();
    }
    JsonNode b = v.get("boolValue");
    if (b != null) {
      return b.asText();
    }
    return null;
  }
}
