package io.isostack.codec;

/**
 * Parses the decimal numbers text tools print ({@code 1.41}, {@code 0.08}, {@code 24051}) exactly,
 * without regex or {@code double} rounding. Every method returns {@link #INVALID} for text that is
 * not a number it accepts.
 */
final class TextNumbers {
  /** Returned for text that does not parse. */
  static final long INVALID = Long.MIN_VALUE;

  private TextNumbers() {}

  /** A decimal integer with optional sign, or {@link #INVALID}. */
  static long integer(String s) {
    return scaled(s, 0, false);
  }

  /**
   * A non-negative or signed decimal fraction times {@code 10^scale}, truncated (digits beyond
   * {@code scale} are dropped), e.g. {@code scaled("1.41", 6)} = 1410000.
   */
  static long scaled(String s, int scale) {
    return scaled(s, scale, true);
  }

  private static long scaled(String s, int scale, boolean fraction) {
    int n = s.length();
    if (n == 0) {
      return INVALID;
    }
    int i = 0;
    boolean neg = false;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      neg = s.charAt(0) == '-';
      i = 1;
    }
    long v = 0;
    int digits = 0;
    int fracDigits = -1;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c == '.' && fraction && fracDigits < 0) {
        fracDigits = 0;
        continue;
      }
      if (c < '0' || c > '9') {
        return INVALID;
      }
      digits++;
      if (fracDigits >= 0) {
        if (fracDigits == scale) {
          continue;
        }
        fracDigits++;
      }
      if (v > (Long.MAX_VALUE - 9) / 10) {
        return INVALID;
      }
      v = v * 10 + (c - '0');
    }
    if (digits == 0) {
      return INVALID;
    }
    for (int f = Math.max(fracDigits, 0); f < scale; f++) {
      if (v > Long.MAX_VALUE / 10) {
        return INVALID;
      }
      v *= 10;
    }
    return neg ? -v : v;
  }

  /** The number of digits after the decimal point ({@code 0} when there is none). */
  static int fractionDigits(String s) {
    int dot = s.indexOf('.');
    return dot < 0 ? 0 : s.length() - dot - 1;
  }
}
