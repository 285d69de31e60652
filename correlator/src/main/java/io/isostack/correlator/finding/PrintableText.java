package io.isostack.correlator.finding;

/**
 * Text from the input (span and service names, process names, paths) made safe to print on a
 * terminal: C0 control characters (newlines included), DEL, C1 control characters (U+0080 to
 * U+009F, where U+009B is a one-character CSI) and the bidirectional overrides (U+202A to U+202E,
 * U+2066 to U+2069, which reorder what the reader sees) become {@code \\xNN} or {@code \\uNNNN}
 * escapes, so that a span named ESC {@code ]0;pwned} BEL (an OSC sequence) cannot retitle, recolour
 * or rewrite the terminal, nor fake a line of the report. Stateless; thread-safe.
 */
public final class PrintableText {
  private PrintableText() {}

  /**
   * The text with every control character escaped; the same instance when there is none.
   *
   * @param text any text, or null (returned as is)
   */
  public static String escape(String text) {
    if (text == null) {
      return null;
    }
    int i = 0;
    while (i < text.length() && !isControl(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length() + 8).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isControl(c)) {
        appendEscape(b, c);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Whether a character is escaped by {@link #escape}.
   *
   * @param c a UTF-16 code unit
   */
  public static boolean isControl(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
  }

  /**
   * Appends the escape of one control character: {@code \\xNN} below U+0100, else {@code \\uNNNN}.
   */
  public static void appendEscape(StringBuilder b, char c) {
    String hex = Integer.toHexString(c);
    if (c < 0x100) {
      b.append("\\x").append(hex.length() == 1 ? "0" : "").append(hex);
    } else {
      b.append("\\u").append("0".repeat(4 - hex.length())).append(hex);
    }
  }
}
