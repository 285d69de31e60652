package io.isostack.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.model.KernelEvent;
import java.io.BufferedInputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.function.Consumer;

/**
 * Frames the JSON exports of Tetragon and Inspektor Gadget into records for a {@link Mapper}.
 *
 * <p>Two framings, told apart by the first non-blank line: if it is a complete JSON value, the
 * input is JSON Lines (one record per line, the export's normal form); otherwise it is one or more
 * pretty-printed documents ({@code -o jsonpretty}, docs samples), each top-level value one record,
 * parsed one at a time, dated in rejections by the line where it starts. A top-level array (an
 * Inspektor Gadget top/profile interval) is counted as skipped. In line mode a line that is not
 * JSON is rejected and reading goes on, unless it is producer text ({@link ProducerNoise}: a {@code
 * WARNING:} line of standard error merged in), which is counted as skipped ({@code producer-text});
 * in document mode a syntax error ends the input.
 */
final class JsonEventFraming {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final int MARK_LIMIT = SizeLimits.atMost(16 * 1024 * 1024);

  /** Maps one JSON object to events; throws {@link BadRecord} to reject it. */
  interface Mapper {
    void map(JsonNode record, AdapterStream stream, Consumer<KernelEvent> out) throws BadRecord;
  }

  private JsonEventFraming() {}

  static void read(
      InputStream raw,
      int maxLineBytes,
      AdapterStream stream,
      Mapper mapper,
      Consumer<KernelEvent> out,
      RejectListener rejects)
      throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
    in.mark(MARK_LIMIT);
    boolean lines = firstLineIsComplete(in);
    in.reset();
    if (lines) {
      new LineSplitter(64 * 1024, maxLineBytes)
          .split(
              in,
              new LineSplitter.LineHandler() {
                @Override
                public void line(byte[] buf, int off, int len, long lineNo) {
                  decodeLine(buf, off, len, stream, lineNo, mapper, out, rejects);
                }

                @Override
                public void tooLong(long lineNo, int max) {
                  stream.lines++;
                  stream.reject(
                      lineNo, RejectReason.LINE_TOO_LONG, "line longer than " + max, rejects);
                }
              });
    } else {
      readDocuments(in, stream, mapper, out, rejects);
    }
  }

  /**
   * Whether the first non-blank line of {@code in} that is not producer noise is one complete JSON
   * value (JSON Lines).
   */
  static boolean firstLineIsComplete(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    int read = 0; // blank lines count too: the caller's mark must stay valid
    while (read++ < MARK_LIMIT - 1 && (b = in.read()) >= 0) {
      if (b == '\n') {
        String l = line.toString().strip();
        if (!l.isEmpty() && !ProducerNoise.isNoise(l)) {
          break;
        }
        line.setLength(0);
      } else {
        line.append((char) b);
      }
    }
    String t = line.toString().strip();
    if (t.isEmpty()) {
      return true;
    }
    try (JsonParser p = MAPPER.getFactory().createParser(t)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  static void decodeLine(
      byte[] buf,
      int off,
      int len,
      AdapterStream stream,
      long lineNo,
      Mapper mapper,
      Consumer<KernelEvent> out,
      RejectListener rejects) {
    stream.lines++;
    if (LineSplitter.isBlank(buf, off, len)) {
      return;
    }
    if (isProducerText(buf, off, len)) {
      stream.skip(SkipReason.PRODUCER_TEXT);
      return;
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(buf, off, len);
    } catch (JsonProcessingException e) {
      stream.reject(lineNo, RejectReason.INVALID_JSON, e.getOriginalMessage(), rejects);
      return;
    } catch (IOException e) {
      stream.reject(lineNo, RejectReason.INVALID_JSON, String.valueOf(e.getMessage()), rejects);
      return;
    }
    record(node, lineNo, stream, mapper, out, rejects);
  }

  /** A line that is no JSON but a producer banner or diagnostic ({@link ProducerNoise}). */
  private static boolean isProducerText(byte[] buf, int off, int len) {
    int s = off;
    while (s < off + len && (buf[s] == ' ' || buf[s] == '\t')) {
      s++;
    }
    return s < off + len
        && buf[s] != '{'
        && buf[s] != '['
        && ProducerNoise.isNoise(new String(buf, s, off + len - s, StandardCharsets.UTF_8).strip());
  }

  private static void readDocuments(
      InputStream in,
      AdapterStream stream,
      Mapper mapper,
      Consumer<KernelEvent> out,
      RejectListener rejects)
      throws IOException {
    try (JsonParser p = MAPPER.getFactory().createParser(in)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        long line = p.currentTokenLocation().getLineNr();
        JsonNode node = MAPPER.readTree(p);
        stream.lines = p.currentLocation().getLineNr();
        record(node, line, stream, mapper, out, rejects);
      }
    } catch (JsonProcessingException e) {
      long line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      stream.lines = Math.max(stream.lines, line);
      stream.reject(line, RejectReason.INVALID_JSON, e.getOriginalMessage(), rejects);
    } catch (CharConversionException e) {
      stream.reject(stream.lines + 1, RejectReason.INVALID_ENCODING, e.getMessage(), rejects);
    }
  }

  private static void record(
      JsonNode node,
      long lineNo,
      AdapterStream stream,
      Mapper mapper,
      Consumer<KernelEvent> out,
      RejectListener rejects) {
    if (node == null || node.isArray()) {
      stream.skip(SkipReason.ARRAY_RECORD);
      return;
    }
    if (!node.isObject()) {
      stream.reject(lineNo, RejectReason.INVALID_JSON, "record is not a JSON object", rejects);
      return;
    }
    try {
      mapper.map(node, stream, out);
    } catch (BadRecord bad) {
      stream.reject(lineNo, bad.reason(), bad.getMessage(), rejects);
    } catch (IllegalArgumentException e) {
      stream.reject(lineNo, RejectReason.INVALID_VALUE, String.valueOf(e.getMessage()), rejects);
    }
  }

  /** Text of a field, or null when absent, null or empty. */
  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull() || v.isContainerNode()) {
      return null;
    }
    String s = v.asText();
    return s.isEmpty() ? null : s;
  }

  /** An integral field as a long (never through double), or {@code dflt} when absent. */
  static long integer(JsonNode n, String field, long dflt) throws BadRecord {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isTextual()) {
      long x = TextNumbers.integer(v.textValue().strip());
      if (x != TextNumbers.INVALID) {
        return x;
      }
    }
    throw new BadRecord(RejectReason.INVALID_VALUE, field + " is not an integer: " + v);
  }

  /** An RFC 3339 time (any offset) as nanoseconds since the Unix epoch. */
  static long rfc3339(String text, String field) throws BadRecord {
    try {
      var t = OffsetDateTime.parse(text).toInstant();
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (DateTimeException | ArithmeticException e) {
      throw new BadRecord(RejectReason.INVALID_VALUE, field + " is not an RFC 3339 time: " + text);
    }
  }
}
