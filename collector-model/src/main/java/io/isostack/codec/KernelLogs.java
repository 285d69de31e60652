package io.isostack.codec;

import io.isostack.clock.ClockConverter;
import io.isostack.clock.ClockDomain;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * What the kernel-log readers ({@link DmesgFormat}, {@link DmesgJsonFormat}, {@link JournalFormat})
 * share: syslog level and facility names, boot-relative time conversion, and the {@code log} event
 * (docs/EVENTS.md: {@code log}, {@code attrs.message}) that the docs/METHOD.md §3.1 keyword rules
 * read.
 *
 * <p>Stateless and thread-safe.
 */
final class KernelLogs {
  private static final String[] LEVELS = {
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"
  };
  private static final String[] FACILITIES = {
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp"
  };

  private KernelLogs() {}

  /** The syslog level name of a priority 0..7 ({@code emerg}...{@code debug}), or null. */
  static String level(int priority) {
    return priority >= 0 && priority < LEVELS.length ? LEVELS[priority] : null;
  }

  /**
   * The syslog facility name of a facility code ({@code kern}, {@code user}, {@code local0}...).
   */
  static String facility(int code) {
    if (code >= 0 && code < FACILITIES.length) {
      return FACILITIES[code];
    }
    return code >= 16 && code < 24 ? "local" + (code - 16) : Integer.toString(code);
  }

  /**
   * Converts a boot-relative time (nanoseconds since boot, as the kernel log prints it) of a host
   * to the Unix epoch with its boottime offset: a {@code clock.sync} record, a journal read before,
   * {@code --boot-time} or {@code --clock-offset boottime=NANOS}.
   *
   * @throws BadRecord {@code missing-clock-sync} naming the fix when no offset is known
   */
  static long bootToEpoch(ClockConverter clocks, String host, long bootNanos) throws BadRecord {
    if (!clocks.canConvert(host, ClockDomain.BOOTTIME)) {
      throw new BadRecord(
          RejectReason.MISSING_CLOCK_SYNC,
          "boot-relative time and no boot time for host '"
              + host
              + "': state it with --boot-time (e.g. the btime of /proc/stat), read the host's"
              + " journal first, or give a clock.sync record");
    }
    return clocks.toEpochNanos(host, ClockDomain.BOOTTIME, bootNanos);
  }

  /** Decimal seconds ({@code 12.345678}) as nanoseconds, or {@link TextNumbers#INVALID}. */
  static long secondsToNanos(String s) {
    long n = TextNumbers.scaled(s.strip(), 9);
    return n < 0 ? TextNumbers.INVALID : n;
  }

  /** The {@code log} event of one kernel or unit log message. */
  static KernelEvent event(
      String host,
      long epochNanos,
      int pid,
      String comm,
      String message,
      Map<String, String> more,
      String source) {
    Map<String, String> attrs = new HashMap<>(more);
    attrs.put("message", message);
    return KernelEvent.builder(EventName.LOG, host)
        .at(epochNanos)
        .task(pid, KernelEvent.UNKNOWN_PID, comm)
        .attrs(attrs)
        .source(source)
        .build();
  }
}
