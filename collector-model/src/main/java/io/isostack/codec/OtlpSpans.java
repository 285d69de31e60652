package io.isostack.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.isostack.model.SocketAttributes;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanStatus;
import io.isostack.model.SpanView;
import java.nio.charset.StandardCharsets;

/**
 * Validation and assembly shared by the OTLP trace readers: ids as lower-case hex, times, and the
 * final {@link SpanView}, each failure a {@link BadRecord} naming the OTLP/JSON field.
 */
final class OtlpSpans {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private OtlpSpans() {}

  /**
   * Validates a hex id from OTLP/JSON (case-insensitive; stored lower case).
   *
   * @param hexChars 32 for trace ids, 16 for span ids
   * @param optional whether absent, empty or all-zero means "none" (returns null)
   */
  static String hexId(String text, int hexChars, String field, boolean optional) throws BadRecord {
    if (text == null || text.isEmpty()) {
      if (optional) {
        return null;
      }
      throw new BadRecord(RejectReason.MISSING_FIELD, field + " is missing");
    }
    if (text.length() != hexChars) {
      throw new BadRecord(
          RejectReason.INVALID_ID,
          field + " is not " + hexChars + " hex characters: '" + excerpt(text) + "'");
    }
    char[] out = new char[hexChars];
    boolean zero = true;
    for (int i = 0; i < hexChars; i++) {
      char c = text.charAt(i);
      if (c >= 'A' && c <= 'F') {
        c = (char) (c + ('a' - 'A'));
      } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new BadRecord(
            RejectReason.INVALID_ID, field + " is not hex: '" + excerpt(text) + "'");
      }
      zero &= c == '0';
      out[i] = c;
    }
    return zeroCheck(new String(out), zero, field, optional);
  }

  /**
   * Validates a hex id that may be shorter than {@code hexChars} (Jaeger and Zipkin write 64-bit
   * trace ids as 16 characters and old Jaeger fixtures drop leading zeros): it is left-padded with
   * zeros first, as OpenTelemetry's Jaeger and Zipkin receivers do.
   *
   * @see #hexId(String, int, String, boolean)
   */
  static String paddedHexId(String text, int hexChars, String field, boolean optional)
      throws BadRecord {
    if (text != null && !text.isEmpty() && text.length() < hexChars) {
      text = "0".repeat(hexChars - text.length()) + text;
    }
    return hexId(text, hexChars, field, optional);
  }

  /** Converts a binary id from protobuf to lower-case hex. */
  static String hexId(byte[] bytes, int hexChars, String field, boolean optional) throws BadRecord {
    return hexId(bytes, 0, bytes.length, hexChars, field, optional);
  }

  /** Converts the binary id in {@code bytes[off, off+len)} to lower-case hex. */
  static String hexId(byte[] bytes, int off, int len, int hexChars, String field, boolean optional)
      throws BadRecord {
    if (len == 0) {
      if (optional) {
        return null;
      }
      throw new BadRecord(RejectReason.MISSING_FIELD, field + " is missing");
    }
    if (len * 2 != hexChars) {
      throw new BadRecord(
          RejectReason.INVALID_ID, field + " has " + len + " bytes, expected " + hexChars / 2);
    }
    byte[] out = new byte[hexChars];
    int any = 0;
    for (int i = 0; i < len; i++) {
      int b = bytes[off + i];
      any |= b;
      out[2 * i] = HEX[(b >> 4) & 0xf];
      out[2 * i + 1] = HEX[b & 0xf];
    }
    return zeroCheck(new String(out, StandardCharsets.ISO_8859_1), any == 0, field, optional);
  }

  private static String zeroCheck(String hex, boolean zero, String field, boolean optional)
      throws BadRecord {
    if (!zero) {
      return hex;
    }
    if (optional) {
      return null; // an all-zero parent id is an invalid id, which OTLP treats as "no parent"
    }
    throw new BadRecord(RejectReason.INVALID_ID, field + " is all zero");
  }

  /**
   * Assembles a span view.
   *
   * @param startNanos {@code startTimeUnixNano}; 0 when absent, negative when above 2^63-1
   * @param endNanos {@code endTimeUnixNano}, likewise
   */
  static SpanView view(
      OtlpResource r,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      SpanKind kind,
      long startNanos,
      long endNanos,
      int statusCode,
      SocketAttributes.Builder socket,
      String threadName)
      throws BadRecord {
    if (r.bad != null) {
      throw r.bad;
    }
    checkTime(startNanos, "startTimeUnixNano");
    checkTime(endNanos, "endTimeUnixNano");
    if (endNanos < startNanos) {
      throw new BadRecord(
          RejectReason.INVALID_VALUE,
          "endTimeUnixNano " + endNanos + " is before startTimeUnixNano " + startNanos);
    }
    SocketAttributes sa;
    try {
      sa = socket.build();
    } catch (IllegalArgumentException e) {
      throw new BadRecord(RejectReason.INVALID_VALUE, "attribute " + e.getMessage());
    }
    try {
      return new SpanView(
          traceId,
          spanId,
          parentSpanId,
          name,
          kind,
          r.service,
          startNanos,
          endNanos,
          SpanStatus.fromOtlp(statusCode),
          r.host,
          r.pid,
          r.containerId,
          r.podUid,
          r.executable,
          sa,
          threadName);
    } catch (IllegalArgumentException e) {
      throw new BadRecord(RejectReason.INVALID_VALUE, e.getMessage());
    }
  }

  private static void checkTime(long nanos, String field) throws BadRecord {
    if (nanos == 0) {
      throw new BadRecord(RejectReason.MISSING_FIELD, field + " is missing or 0");
    }
    if (nanos < 0) {
      throw new BadRecord(
          RejectReason.INVALID_VALUE, field + " is beyond 2^63-1: " + Long.toUnsignedString(nanos));
    }
  }

  /**
   * A Jaeger or Zipkin time or duration in microseconds, as nanoseconds.
   *
   * @param required whether absence is an error; otherwise it reads as 0
   * @throws BadRecord if required and absent ({@code missing-field}), or not a non-negative integer
   *     below 2^63 / 2000, so that a start plus a duration stays a {@code long} of nanoseconds
   *     ({@code invalid-value})
   */
  static long microsAsNanos(JsonNode span, String field, boolean required) throws BadRecord {
    JsonNode n = span.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw new BadRecord(RejectReason.MISSING_FIELD, field + " is missing");
      }
      return 0;
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      long v = n.longValue();
      if (v >= 0 && v <= Long.MAX_VALUE / 2000) {
        return v * 1000;
      }
    }
    throw new BadRecord(
        RejectReason.INVALID_VALUE,
        field + " is not a non-negative number of microseconds: " + excerpt(n.toString()));
  }

  static String excerpt(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
