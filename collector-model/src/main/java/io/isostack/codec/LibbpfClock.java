package io.isostack.codec;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * Turns the times libbpf-tools print into Unix-epoch nanoseconds, for one stream.
 *
 * <p>{@code HH:MM:SS} is the userspace print time in the tool's local time zone, with no date: it
 * is placed on the configured date in the configured zone; when a time is more than 12 hours
 * earlier than the previous one, the date moves on by a day (the tool ran past midnight). In a
 * daylight-saving overlap the earlier offset is used. Relative {@code TIME(s)} seconds are added to
 * the configured start. Not thread-safe.
 */
final class LibbpfClock {
  static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final int HALF_DAY_SECONDS = 12 * 3600;

  private final LocalDate date;
  private final ZoneId zone;
  private final long startEpochNanos;
  private int dayOffset;
  private int lastSecondOfDay = -1;

  LibbpfClock(LibbpfToolsReader.Options options) {
    this.date = options.date();
    this.zone = options.zone();
    this.startEpochNanos = options.startEpochNanos();
  }

  /** Whether {@code s} is {@code HH:MM:SS}. */
  static boolean isClockTime(String s) {
    return s.length() == 8
        && s.charAt(2) == ':'
        && s.charAt(5) == ':'
        && digits(s, 0)
        && digits(s, 3)
        && digits(s, 6);
  }

  private static boolean digits(String s, int i) {
    return Character.isDigit(s.charAt(i)) && Character.isDigit(s.charAt(i + 1));
  }

  /**
   * The epoch nanoseconds at which the printed second starts.
   *
   * @param hhmmss text for which {@link #isClockTime} is true
   * @return nanoseconds since the Unix epoch, or {@link TextNumbers#INVALID} for an impossible time
   */
  long secondStart(String hhmmss) {
    int h = (hhmmss.charAt(0) - '0') * 10 + hhmmss.charAt(1) - '0';
    int m = (hhmmss.charAt(3) - '0') * 10 + hhmmss.charAt(4) - '0';
    int s = (hhmmss.charAt(6) - '0') * 10 + hhmmss.charAt(7) - '0';
    if (h > 23 || m > 59 || s > 59) {
      return TextNumbers.INVALID;
    }
    int secondOfDay = h * 3600 + m * 60 + s;
    if (lastSecondOfDay >= 0 && secondOfDay < lastSecondOfDay - HALF_DAY_SECONDS) {
      dayOffset++;
    }
    lastSecondOfDay = secondOfDay;
    LocalDateTime t = date.plusDays(dayOffset).atTime(h, m, s);
    return t.atZone(zone).toEpochSecond() * NANOS_PER_SECOND;
  }

  /** Whether a start time was configured for relative {@code TIME(s)} columns. */
  boolean hasStart() {
    return startEpochNanos != LibbpfToolsReader.Options.NO_START;
  }

  /**
   * The epoch nanoseconds of a relative time.
   *
   * @param seconds seconds since the tool started, e.g. {@code 1.365}
   * @return nanoseconds since the Unix epoch, or {@link TextNumbers#INVALID} when the text is not a
   *     non-negative decimal or no start was configured
   */
  long relative(String seconds) {
    long ns = TextNumbers.scaled(seconds, 9);
    if (ns == TextNumbers.INVALID || ns < 0 || !hasStart()) {
      return TextNumbers.INVALID;
    }
    return startEpochNanos + ns;
  }
}
