package io.isostack.codec;

import io.isostack.model.KernelEvent;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The kernel ring buffer as {@code dmesg} prints it ({@code dmesg}): raw {@code [seconds.micros]
 * message} lines, boot-relative, or {@code dmesg -T} {@code [Tue Dec 1 19:54:06 2026] message}
 * lines, local time with one-second resolution. Each line becomes a {@code log} event ({@link
 * KernelLogs}) of the default host with {@code source} {@code dmesg}.
 *
 * <p>Time: raw seconds since boot are converted with the host's boottime offset ({@code
 * --boot-time}, {@code --clock-offset boottime=NANOS}, a {@code clock.sync} record, or a journal of
 * the same host read before); without one the line is rejected ({@code missing-clock-sync}). {@code
 * -T} times are placed in the zone of {@link LibbpfToolsReader.Options#zone()} ({@code
 * --time-zone}) at the end of their second, with {@code attrs.time_resolution_ns} = 10⁹. A line
 * without a bracketed time is rejected ({@code unknown-layout}); an indented line continues the
 * previous message (dmesg prints multi-line messages so) and is counted as skipped ({@code
 * dmesg-continuation}): the event holds the first line.
 *
 * <p>Detected ({@link Detection#CERTAIN}) when the first record line of the head has either time
 * prefix. Stateless and thread-safe.
 */
final class DmesgFormat implements FormatReader<KernelEvent> {
  private static final DateTimeFormatter CTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);
  private static final long SECOND = 1_000_000_000L;

  /** The longest line read, in bytes; a kernel message is at most about 1 KiB. */
  private static final int MAX_LINE_BYTES = 64 * 1024;

  /** The skip reason of an indented line continuing the previous message. */
  static final String CONTINUATION = "dmesg-continuation";

  @Override
  public String name() {
    return "dmesg";
  }

  @Override
  public int detect(InputHead head) {
    String first = head.firstRecord();
    if (head.isBinary() || !first.startsWith("[") || first.indexOf(']') < 0) {
      return Detection.NO;
    }
    String stamp = first.substring(1, first.indexOf(']'));
    return KernelLogs.secondsToNanos(stamp) != TextNumbers.INVALID || ctime(stamp) != null
        ? Detection.CERTAIN
        : Detection.NO;
  }

  @Override
  public RecordStream open(
      String source,
      ReadContext context,
      Consumer<? super KernelEvent> out,
      RejectListener rejects) {
    AdapterStream state = new AdapterStream(source);
    String host = context.defaultHost();
    return new LineRecordStream(MAX_LINE_BYTES) {
      @Override
      void decode(byte[] buf, int off, int len, long lineNo) {
        state.lines++;
        String line = new String(buf, off, len, StandardCharsets.UTF_8).stripTrailing();
        if (line.isBlank()) {
          return;
        }
        if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
          state.skip(CONTINUATION);
          return;
        }
        try {
          state.emit(event(line, host, context), out::accept);
        } catch (BadRecord bad) {
          state.reject(lineNo, bad.reason(), bad.getMessage(), rejects);
        }
      }

      @Override
      void tooLong(long lineNo, int maxLineBytes) {
        state.tooLong(lineNo, maxLineBytes, rejects);
      }

      @Override
      public ReadSummary summary() {
        return state.summary();
      }
    };
  }

  private static KernelEvent event(String line, String host, ReadContext context) throws BadRecord {
    int close = line.indexOf(']');
    if (!line.startsWith("[") || close < 0) {
      throw new BadRecord(
          RejectReason.UNKNOWN_LAYOUT,
          "not a dmesg line ([seconds] or [date] first): " + AdapterStream.excerpt(line));
    }
    String stamp = line.substring(1, close);
    int from = close + 1 < line.length() && line.charAt(close + 1) == ' ' ? close + 2 : close + 1;
    String message = line.substring(from); // indentation is the kernel's: kept, as --json does
    long boot = KernelLogs.secondsToNanos(stamp);
    if (boot != TextNumbers.INVALID) {
      long t = KernelLogs.bootToEpoch(context.clocks(), host, boot);
      return KernelLogs.event(host, t, KernelEvent.UNKNOWN_PID, null, message, Map.of(), "dmesg");
    }
    LocalDateTime local = ctime(stamp);
    if (local == null) {
      throw new BadRecord(
          RejectReason.INVALID_VALUE, "dmesg time is neither seconds nor a date: " + stamp);
    }
    var second = local.atZone(context.libbpf().zone()).toInstant();
    long t = second.getEpochSecond() * SECOND + SECOND - 1;
    return KernelLogs.event(
        host,
        t,
        KernelEvent.UNKNOWN_PID,
        null,
        message,
        Map.of("time_resolution_ns", Long.toString(SECOND)),
        "dmesg");
  }

  private static LocalDateTime ctime(String stamp) {
    try {
      return LocalDateTime.parse(stamp.strip(), CTIME);
    } catch (DateTimeException e) {
      return null;
    }
  }
}
