package io.isostack.correlator.cli;

import io.isostack.clock.ClockConverter;
import io.isostack.clock.ClockDomain;
import io.isostack.codec.LibbpfToolsReader;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.rules.RuleTable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options {@code analyze} and {@code serve} share: how a verdict is made. */
final class AnalysisOptions {
  @Option(
      names = "--rules",
      paramLabel = "FILE",
      description = "A rule table replacing the default one (same JSON shape).")
  Path rules;

  @Option(
      names = "--host",
      paramLabel = "NAME",
      description =
          "Host of events and spans without host.name (default: analyze, the spans' only"
              + " host.name, else 'unknown'; serve, this machine's name).")
  String host;

  @Option(
      names = "--slow-threshold",
      paramLabel = "DURATION",
      defaultValue = "250ms",
      converter = DurationConverter.class,
      description =
          "Self time at or above which a span is a slow hop; the baseline rule needs half of it"
              + " (default: ${DEFAULT-VALUE}).")
  long slowThresholdNanos;

  @Option(
      names = "--slow-request",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Duration of a trace's root span at or above which the request is slow: the hops"
              + " holding at least 20 %% of its critical path are analysed even when none is"
              + " slow alone (default: the --slow-threshold).")
  Long slowRequestNanos;

  @Option(
      names = "--skew",
      paramLabel = "DURATION",
      defaultValue = "2ms",
      converter = DurationConverter.class,
      description =
          "Clock-skew tolerance when joining events to a span's window (default: ${DEFAULT-VALUE}).")
  long skewNanos;

  @Option(
      names = "--clock-offset",
      paramLabel = "CLOCK=NANOS",
      description =
          "REALTIME minus CLOCK (boottime or monotonic) in ns, for event streams without"
              + " a clock.sync record, e.g. boottime=1795265109394948433.")
  List<String> clockOffsets = new ArrayList<>();

  @Option(
      names = "--start-time",
      paramLabel = "INSTANT",
      description =
          "When the libbpf-tools/BCC tools were started, e.g. 2026-12-01T19:00:00Z: anchors"
              + " their -t TIME(s) columns (seconds since the start); without it such records are"
              + " rejected as missing-time-anchor.")
  Instant startTime;

  @Option(
      names = "--boot-time",
      paramLabel = "TIME",
      description =
          "When the default host booted, as RFC 3339 (2026-12-01T19:54:06Z) or seconds since the"
              + " epoch (btime of /proc/stat): places boot-relative times (dmesg [seconds],"
              + " dmesg --json) of hosts without a clock.sync record or journal.")
  String bootTime;

  /**
   * The rule table: {@code --rules}, else the default.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a rule table (the message names the field)
   */
  RuleTable ruleTable() throws IOException {
    return rules == null ? RuleTable.defaults() : RuleTable.load(rules);
  }

  /**
   * The analysis tunables with {@code --slow-threshold}, {@code --slow-request} (default: the slow
   * threshold), {@code --skew} and the default host.
   *
   * @throws IllegalArgumentException naming the setting whose value is out of range
   */
  AnalyzerSettings analyzerOptions(String defaultHost) {
    return AnalyzerSettings.defaults()
        .withSlowThreshold(slowThresholdNanos)
        .withSlowRequest(slowRequestNanos != null ? slowRequestNanos : slowThresholdNanos)
        .withSkew(skewNanos)
        .withDefaultHost(defaultHost);
  }

  /**
   * The libbpf-tools time options with {@code --start-time} applied.
   *
   * @param base the date and zone of {@code HH:MM:SS} times
   * @return {@code base}, with its start set when {@code --start-time} was given
   * @throws ArithmeticException if the instant is beyond 2262 (no {@code long} of nanoseconds)
   */
  LibbpfToolsReader.Options libbpfOptions(LibbpfToolsReader.Options base) {
    if (startTime == null) {
      return base;
    }
    return base.withStart(
        Math.addExact(
            Math.multiplyExact(startTime.getEpochSecond(), 1_000_000_000L), startTime.getNano()));
  }

  /**
   * Applies {@code --clock-offset}.
   *
   * @throws IllegalArgumentException naming the malformed value
   */
  void applyClockOffsets(ClockConverter clocks) {
    for (String o : clockOffsets) {
      clocks.setUserOffset(ClockConverter.parseOffsetOption(o));
    }
    if (bootTime != null) {
      clocks.setUserOffset(ClockDomain.BOOTTIME, bootEpochNanos(bootTime));
    }
  }

  /**
   * Parses {@code --boot-time}: RFC 3339 with an offset, or decimal seconds since the epoch.
   *
   * @return nanoseconds since the Unix epoch: the boottime clock's offset {@code REALTIME -
   *     BOOTTIME}
   * @throws IllegalArgumentException naming the option and the value when it is neither
   */
  static long bootEpochNanos(String value) {
    String v = value.strip();
    try {
      Instant t =
          v.matches("\\d+(\\.\\d{1,9})?") ? seconds(v) : OffsetDateTime.parse(v).toInstant();
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (DateTimeException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "--boot-time: expected RFC 3339 (2026-12-01T19:54:06Z) or epoch seconds, not '"
              + value
              + "'",
          e);
    }
  }

  private static Instant seconds(String v) {
    java.math.BigDecimal s = new java.math.BigDecimal(v);
    return Instant.ofEpochSecond(
        s.longValue(), s.remainder(java.math.BigDecimal.ONE).movePointRight(9).longValue());
  }
}
