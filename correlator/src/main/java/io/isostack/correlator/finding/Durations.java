package io.isostack.correlator.finding;

import java.util.Locale;

/** Formats nanosecond durations for people: {@code 1.41 s}, {@code 120 ms}, {@code 900 µs}. */
public final class Durations {
  private Durations() {}

  /**
   * Formats a duration with three significant digits at most and the largest fitting unit.
   *
   * @param nanos a duration in nanoseconds
   */
  public static String human(long nanos) {
    double abs = Math.abs((double) nanos);
    if (abs >= 1e9) {
      return trim(nanos / 1e9) + " s";
    }
    if (abs >= 1e6) {
      return trim(nanos / 1e6) + " ms";
    }
    if (abs >= 1e3) {
      return trim(nanos / 1e3) + " µs";
    }
    return nanos + " ns";
  }

  private static String trim(double v) {
    String s =
        Math.abs(v) >= 100
            ? String.format(Locale.ROOT, "%.0f", v)
            : Math.abs(v) >= 10
                ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    if (s.indexOf('.') < 0) {
      return s;
    }
    // Trailing zeros, then a trailing point, removed by hand: two regular expressions compiled per
    // call were a fifth of the vertical step's CPU (600 findings of 1 M events).
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }
}
