package io.isostack.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import java.io.IOException;

/**
 * Reads numeric fields that may arrive as JSON numbers or as decimal strings (bpftrace HEAD and
 * OTLP/JSON quote 64-bit integers), turning every wrong type or range into a {@link BadRecord} that
 * names the field.
 */
final class JsonValues {
  private JsonValues() {}

  /** A signed 64-bit integer at the parser's current token. */
  static long longValue(JsonParser p, String field) throws IOException, BadRecord {
    JsonToken t = p.currentToken();
    try {
      if (t == JsonToken.VALUE_NUMBER_INT) {
        return p.getLongValue();
      }
      if (t == JsonToken.VALUE_STRING) {
        return Long.parseLong(p.getText().trim());
      }
    } catch (InputCoercionException | NumberFormatException e) {
      throw invalid(p, field, "is not a 64-bit integer");
    }
    throw invalid(p, field, "is not an integer");
  }

  /** An unsigned 64-bit integer (values above {@link Long#MAX_VALUE} wrap to negative longs). */
  static long unsignedLong(JsonParser p, String field) throws IOException, BadRecord {
    JsonToken t = p.currentToken();
    try {
      if (t == JsonToken.VALUE_NUMBER_INT) {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          return Long.parseUnsignedLong(p.getText());
        }
        long v = p.getLongValue();
        if (v < 0) {
          throw invalid(p, field, "is negative");
        }
        return v;
      }
      if (t == JsonToken.VALUE_STRING) {
        return Long.parseUnsignedLong(p.getText().trim());
      }
    } catch (InputCoercionException | NumberFormatException e) {
      throw invalid(p, field, "is not an unsigned 64-bit integer");
    }
    throw invalid(p, field, "is not an integer");
  }

  /** An int in {@code [min, max]}. */
  static int intValue(JsonParser p, String field, int min, int max) throws IOException, BadRecord {
    long v = longValue(p, field);
    if (v < min || v > max) {
      throw invalid(p, field, "is out of range " + min + ".." + max);
    }
    return (int) v;
  }

  /** A finite or NaN double from a number or a decimal string. */
  static double doubleValue(JsonParser p, String field) throws IOException, BadRecord {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      try {
        return Double.parseDouble(p.getText().trim());
      } catch (NumberFormatException e) {
        throw invalid(p, field, "is not a number");
      }
    }
    throw invalid(p, field, "is not a number");
  }

  private static BadRecord invalid(JsonParser p, String field, String what) throws IOException {
    String text = p.currentToken().isScalarValue() ? p.getText() : p.currentToken().asString();
    return new BadRecord(RejectReason.INVALID_VALUE, field + " " + what + ": " + text);
  }
}
