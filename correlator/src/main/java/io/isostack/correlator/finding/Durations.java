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
    if (s.contains(".")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }
}
