package io.isostack.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.isostack.model.SocketAttributes;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes one OTLP/JSON {@code resourceSpans} element straight from Jackson's token stream into
 * span views, without building a tree: field names are Jackson's interned names matched by a
 * switch, attribute keys and span names come from a {@link StringCache}, the values of span
 * attributes no view holds are skipped undecoded, and the views are assembled when the element has
 * ended (so the resource may come after its spans).
 *
 * <p>It takes only the shape that OTLP/JSON exporters write (each known field at most once, with
 * the type the encoding gives it); on anything else (a repeated field, a number where a string
 * belongs, {@code scope_spans}, a kind given by name...) it throws {@link Unusual}, and {@link
 * OtlpJsonTraceReader} decodes the line again from a tree, whose reading is the reference (a test
 * compares the two on the samples and on generated lines).
 *
 * <p>Not thread-safe: one per read (it reuses its scratch spans).
 */
final class OtlpJsonSpanDecoder {

  /** The element is not in the shape this decoder takes; the caller decodes it from a tree. */
  static final class Unusual extends Exception {
    private static final long serialVersionUID = 1L;

    Unusual() {
      super("not the usual OTLP/JSON shape", null, false, false);
    }
  }

  private static final Unusual UNUSUAL = new Unusual();
  private static final Object MISSING_TRACE = missing("traceId");
  private static final Object MISSING_SPAN = missing("spanId");

  private final StringCache strings = new StringCache(1024);

  /** Tells socket-attribute keys from the others; its values are never built. */
  private final SocketAttributes.Builder probe = SocketAttributes.builder(SpanKind.INTERNAL);

  private final List<RawSpan> pool = new ArrayList<>();
  private int used;

  /**
   * Decodes the element whose {@code START_OBJECT} is the current token, up to and including its
   * {@code END_OBJECT}.
   *
   * @param out receives each span's view or the {@link BadRecord} that rejects it, in input order
   * @throws Unusual if the element is not in the usual shape (nothing is added to {@code out})
   * @throws IOException if the JSON is malformed (nothing is added to {@code out})
   */
  void resourceSpans(JsonParser p, List<Object> out) throws IOException, Unusual {
    OtlpResource resource = new OtlpResource();
    used = 0;
    boolean sawResource = false;
    boolean sawScopes = false;
    for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      switch (f) {
        case "resource" -> {
          sawResource = once(sawResource, t == JsonToken.START_OBJECT);
          resource(p, resource);
        }
        case "scopeSpans" -> {
          sawScopes = once(sawScopes, t == JsonToken.START_ARRAY);
          while (p.nextToken() == JsonToken.START_OBJECT) {
            scope(p);
          }
          expect(p.currentToken() == JsonToken.END_ARRAY);
        }
        case "scope_spans" -> throw UNUSUAL;
        default -> p.skipChildren();
      }
    }
    expect(p.currentToken() == JsonToken.END_OBJECT);
    for (int i = 0; i < used; i++) {
      try {
        out.add(pool.get(i).view(resource));
      } catch (BadRecord e) {
        out.add(e);
      }
    }
  }

  private void resource(JsonParser p, OtlpResource resource) throws IOException, Unusual {
    boolean sawAttributes = false;
    for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      if (f.equals("attributes")) {
        sawAttributes = once(sawAttributes, t == JsonToken.START_ARRAY);
        while (p.nextToken() == JsonToken.START_OBJECT) {
          keyValue(p, false);
          resource.attribute(kvKey, kvText);
        }
        expect(p.currentToken() == JsonToken.END_ARRAY);
      } else {
        p.skipChildren();
      }
    }
  }

  private void scope(JsonParser p) throws IOException, Unusual {
    boolean sawSpans = false;
    for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      if (f.equals("spans")) {
        sawSpans = once(sawSpans, t == JsonToken.START_ARRAY);
        while (p.nextToken() == JsonToken.START_OBJECT) {
          span(p, next());
        }
        expect(p.currentToken() == JsonToken.END_ARRAY);
      } else {
        p.skipChildren();
      }
    }
  }

  private RawSpan next() {
    if (used == pool.size()) {
      pool.add(new RawSpan());
    }
    RawSpan s = pool.get(used++);
    s.reset();
    return s;
  }

  private void span(JsonParser p, RawSpan s) throws IOException, Unusual {
    int seen = 0;
    for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      int bit =
          switch (f) {
            case "traceId" -> {
              s.traceId = id(p, t, 32, "traceId", false);
              yield 1;
            }
            case "spanId" -> {
              s.spanId = id(p, t, 16, "spanId", false);
              yield 2;
            }
            case "parentSpanId" -> {
              s.parentSpanId = id(p, t, 16, "parentSpanId", true);
              yield 4;
            }
            case "name" -> {
              expect(t == JsonToken.VALUE_STRING);
              s.name = text(p);
              yield 8;
            }
            case "kind" -> {
              if (t != JsonToken.VALUE_NULL) {
                expect(
                    t == JsonToken.VALUE_NUMBER_INT
                        && p.getNumberType() == JsonParser.NumberType.INT);
                s.kind = p.getIntValue();
              }
              yield 16;
            }
            case "startTimeUnixNano" -> {
              s.startNanos = time(p, t);
              yield 32;
            }
            case "endTimeUnixNano" -> {
              s.endNanos = time(p, t);
              yield 64;
            }
            case "attributes" -> {
              expect(t == JsonToken.START_ARRAY);
              while (p.nextToken() == JsonToken.START_OBJECT) {
                keyValue(p, true);
                s.attribute(kvKey, kvText);
              }
              expect(p.currentToken() == JsonToken.END_ARRAY);
              yield 128;
            }
            case "status" -> {
              expect(t == JsonToken.START_OBJECT);
              status(p, s);
              yield 256;
            }
            default -> {
              p.skipChildren();
              yield 0;
            }
          };
      expect((seen & bit) == 0);
      seen |= bit;
    }
  }

  private static void status(JsonParser p, RawSpan s) throws IOException, Unusual {
    boolean sawCode = false;
    for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      if (f.equals("code")) {
        sawCode =
            once(
                sawCode,
                t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT);
        s.statusCode = p.getIntValue();
      } else {
        p.skipChildren();
      }
    }
  }

  /** The key of the {@code KeyValue} just read. */
  private String kvKey;

  /** The text of its value's scalar, or null (as {@link OtlpJsonTraceReader#anyValueText}). */
  private String kvText;

  /**
   * Reads one {@code KeyValue} into {@link #kvKey} and {@link #kvText}.
   *
   * @param ofSpan whether it is a span attribute: then the value of a key no span view holds (when
   *     the key comes first, as exporters write it) is skipped without being decoded
   */
  private void keyValue(JsonParser p, boolean ofSpan) throws IOException, Unusual {
    String key = null;
    boolean sawValue = false;
    String text = null;
    for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      if (f.equals("key")) {
        expect(key == null && t == JsonToken.VALUE_STRING);
        key = text(p);
      } else if (f.equals("value")) {
        sawValue = once(sawValue, t == JsonToken.START_OBJECT);
        if (ofSpan && key != null && !kept(key)) {
          p.skipChildren();
        } else {
          text = anyValue(p);
        }
      } else {
        p.skipChildren();
      }
    }
    kvKey = key == null ? "" : key;
    kvText = text;
  }

  /** Whether a span view holds a span attribute of this key: the thread name or a socket one. */
  private boolean kept(String key) {
    return key.equals("thread.name") || probe.set(key, "0");
  }

  /** An {@code AnyValue}: its string, int, double or bool as text, in that order of preference. */
  private String anyValue(JsonParser p) throws IOException, Unusual {
    String string = null;
    String integer = null;
    String dbl = null;
    String bool = null;
    for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
      JsonToken t = p.nextToken();
      switch (f) {
        case "stringValue" -> {
          expect(string == null && t == JsonToken.VALUE_STRING);
          string = p.getText();
        }
        case "intValue" -> {
          expect(integer == null);
          if (t == JsonToken.VALUE_STRING) {
            integer = p.getText().trim();
          } else {
            integer = Long.toString(integral(p, t));
          }
        }
        case "doubleValue" -> {
          expect(dbl == null);
          if (t == JsonToken.VALUE_STRING) {
            dbl = p.getText();
          } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            expect(p.getNumberType() == JsonParser.NumberType.DOUBLE);
            dbl = OtlpResource.doubleText(p.getDoubleValue());
          } else {
            dbl = OtlpResource.doubleText(integral(p, t));
          }
        }
        case "boolValue" -> {
          expect(bool == null && (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE));
          bool = t == JsonToken.VALUE_TRUE ? "true" : "false";
        }
        default -> p.skipChildren(); // arrayValue, kvlistValue, bytesValue: no scalar text
      }
    }
    return string != null ? string : integer != null ? integer : dbl != null ? dbl : bool;
  }

  /** An integer token that fits a long (a tree would hold it as an int or long node). */
  private static long integral(JsonParser p, JsonToken t) throws IOException, Unusual {
    expect(t == JsonToken.VALUE_NUMBER_INT);
    JsonParser.NumberType type = p.getNumberType();
    expect(type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG);
    return p.getLongValue();
  }

  /**
   * An id, validated at once from the parser's characters: its lower-case hex, null when optional
   * and absent, or the {@link BadRecord} that {@link OtlpSpans#hexId} gives for it.
   */
  private static Object id(JsonParser p, JsonToken t, int hexChars, String field, boolean optional)
      throws IOException, Unusual {
    String text = null;
    if (t != JsonToken.VALUE_NULL) {
      expect(t == JsonToken.VALUE_STRING);
      char[] c = p.getTextCharacters();
      int off = p.getTextOffset();
      int len = p.getTextLength();
      String hex = len == hexChars ? lowerHex(c, off, len) : null;
      if (hex != null) {
        return hex;
      }
      text = new String(c, off, len);
    }
    try {
      return OtlpSpans.hexId(text, hexChars, field, optional);
    } catch (BadRecord e) {
      return e;
    }
  }

  /**
   * {@code c[off, off+len)} as lower-case hex, or null if it is not all hex digits or all zero
   * (which {@link OtlpSpans#hexId} words).
   */
  private static String lowerHex(char[] c, int off, int len) {
    byte[] out = new byte[len];
    boolean zero = true;
    for (int i = 0; i < len; i++) {
      int ch = c[off + i];
      zero &= ch == '0';
      if (ch >= 'A' && ch <= 'F') {
        ch += 'a' - 'A';
      } else if (ch > '9' ? ch < 'a' || ch > 'f' : ch < '0') {
        return null;
      }
      out[i] = (byte) ch;
    }
    return zero ? null : new String(out, StandardCharsets.ISO_8859_1);
  }

  /** A fixed64 time as a string or number; 0 when null. */
  private static long time(JsonParser p, JsonToken t) throws IOException, Unusual {
    if (t == JsonToken.VALUE_NULL) {
      return 0;
    }
    if (t == JsonToken.VALUE_STRING) {
      try {
        return Long.parseUnsignedLong(p.getText().trim());
      } catch (NumberFormatException e) {
        throw UNUSUAL; // the tree reading words the rejection
      }
    }
    long v = integral(p, t);
    expect(v >= 0);
    return v;
  }

  private String text(JsonParser p) throws IOException {
    return strings.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
  }

  private static Object missing(String field) {
    try {
      return OtlpSpans.hexId((String) null, field.equals("traceId") ? 32 : 16, field, false);
    } catch (BadRecord e) {
      return e;
    }
  }

  private static boolean once(boolean seen, boolean shapeOk) throws Unusual {
    expect(!seen && shapeOk);
    return true;
  }

  private static void expect(boolean usual) throws Unusual {
    if (!usual) {
      throw UNUSUAL;
    }
  }

  /** One span's fields as read, the ids as {@link #id} gives them. */
  private static final class RawSpan extends OtlpRawSpan {
    /** Each id: its hex (a String), null, or the BadRecord that rejects the span. */
    Object traceId;

    Object spanId;
    Object parentSpanId;

    private static String hex(Object id) throws BadRecord {
      if (id instanceof BadRecord e) {
        throw e;
      }
      return (String) id;
    }

    @Override
    void reset() {
      traceId = MISSING_TRACE;
      spanId = MISSING_SPAN;
      parentSpanId = null;
      super.reset();
    }

    SpanView view(OtlpResource resource) throws BadRecord {
      return view(resource, hex(traceId), hex(spanId), hex(parentSpanId));
    }
  }
}
