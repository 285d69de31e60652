package io.isostack.codec;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the log2 histograms of {@code runqlat}, {@code biolatency} and {@code cpudist} as coarse
 * evidence: one event per non-empty bucket per interval.
 *
 * <p>Layout: an optional {@code HH:MM:SS} line ({@code -T}) opens each interval; optional group
 * lines name the histogram's key ({@code pid = N comm} with {@code -P}, {@code tid = N comm} with
 * {@code -L}, {@code pidns = N}, {@code disk = vda} with {@code -D}, {@code flags = Sync-Write}
 * with {@code -F}); a units line ({@code usecs}, {@code msecs} or {@code nsecs} {@code : count
 * distribution}) precedes the bucket lines {@code lo -> hi : count |***|}, which are inclusive
 * integers of that unit.
 *
 * <p>Events: {@code runqlat} → {@code sched.runq_latency}, {@code biolatency} → {@code
 * block.io_latency}; {@code value} = the bucket's count (unit {@code 1}); {@code
 * attrs.bucket_low_ns} = lo × unit, {@code attrs.bucket_high_ns} = (hi + 1) × unit (exclusive: the
 * tools truncate to whole units), {@code dur_ns} = {@code bucket_high_ns}, {@code
 * attrs.histogram=true}; {@code pid}/{@code tid}/{@code comm} from {@code pid =}/{@code tid =}
 * lines, {@code dev} from {@code disk =}, {@code attrs.flags}, {@code attrs.pidns}; {@code
 * cgroup.path} from {@link LibbpfToolsReader.Options#cgroupPath()}; {@code attrs.interval_ns} when
 * the interval is known (given, or the distance between two {@code -T} lines). Without group lines
 * the events are host-level (or cgroup-level with {@code -c}) evidence: no pid.
 *
 * <p>Time: with {@code -T}, the interval ends in the printed second ({@code time_ns} = its start +
 * 999 999 999, {@code attrs.time_resolution_ns} = 10⁹). Without {@code -T}, interval k (from 1)
 * ends at start + k × interval, which needs both {@link
 * LibbpfToolsReader.Options#startEpochNanos()} and {@link
 * LibbpfToolsReader.Options#intervalNanos()}; otherwise the first non-empty bucket of each interval
 * is rejected ({@code missing-time-anchor}) and the rest are counted as skipped. Without {@code
 * -T}, interval boundaries are inferred: a group key seen again, a units line right after a blank
 * line, or a {@code flags =} line right after a blank line starts a new interval.
 *
 * <p>{@code cpudist} buckets (on- or off-CPU time per slice) are parsed and counted as skipped: no
 * engine rule reads an on-CPU distribution, and an off-CPU distribution without the task state
 * cannot say preempted from sleeping. Not thread-safe: one per stream.
 */
final class LibbpfHistograms {
  private final LibbpfToolsReader.StreamState stream;
  private final String host;
  private final String source;
  private final long fixedIntervalNs;

  private boolean timestamps;
  private long intervalIndex;
  private long intervalEnd = TextNumbers.INVALID;
  private long intervalNs;
  private long prevSecondStart = TextNumbers.INVALID;
  private boolean intervalRejected;
  private final Set<String> keysInInterval = new HashSet<>();
  private boolean sawBlank;
  private boolean headerSinceGroup = true;
  private long unitNs;
  private int pid = KernelEvent.UNKNOWN_PID;
  private int tid = KernelEvent.UNKNOWN_PID;
  private String comm;
  private String dev;
  private String flags;
  private String pidns;

  LibbpfHistograms(LibbpfToolsReader.StreamState stream, String host) {
    this.stream = stream;
    this.host = host;
    this.source = stream.eventSource();
    this.fixedIntervalNs = stream.options.intervalNanos();
    this.intervalNs = fixedIntervalNs;
  }

  void blank() {
    sawBlank = true;
  }

  void line(String t, long lineNo, Consumer<KernelEvent> out, RejectListener rejects) {
    boolean blankBefore = sawBlank;
    sawBlank = false;
    if (LibbpfClock.isClockTime(t)) {
      long start = stream.clock.secondStart(t);
      if (start == TextNumbers.INVALID) {
        stream.counts.reject(
            lineNo, RejectReason.INVALID_VALUE, "not a time of day: " + t, rejects);
        return;
      }
      timestamps = true;
      if (fixedIntervalNs == 0 && prevSecondStart != TextNumbers.INVALID) {
        intervalNs = start - prevSecondStart;
      }
      prevSecondStart = start;
      newInterval();
      intervalEnd = start + LibbpfClock.NANOS_PER_SECOND - 1;
      return;
    }
    if (t.endsWith("distribution")) {
      unitNs = unit(t);
      if (unitNs == 0) {
        stream.counts.reject(lineNo, RejectReason.UNKNOWN_LAYOUT, "unknown units: " + t, rejects);
        return;
      }
      if (!timestamps && headerSinceGroup && (blankBefore || intervalIndex == 0)) {
        undatedInterval();
        clearGroup();
      }
      headerSinceGroup = true;
      return;
    }
    if (isGroup(t)) {
      if (!timestamps
          && (intervalIndex == 0
              || keysInInterval.contains(t)
              || (blankBefore && t.startsWith("flags = ")))) {
        undatedInterval();
      }
      keysInInterval.add(t);
      if (headerSinceGroup) {
        clearGroup();
      }
      headerSinceGroup = false;
      for (String part : t.split("\t")) {
        group(part.strip());
      }
      return;
    }
    bucket(t, lineNo, out, rejects);
  }

  private static boolean isGroup(String t) {
    return t.startsWith("pid = ")
        || t.startsWith("tid = ")
        || t.startsWith("pidns = ")
        || t.startsWith("disk = ")
        || t.startsWith("flags = ");
  }

  private static long unit(String t) {
    if (t.startsWith("usecs")) {
      return 1_000;
    }
    if (t.startsWith("msecs")) {
      return 1_000_000;
    }
    if (t.startsWith("nsecs")) {
      return 1;
    }
    return 0;
  }

  private void newInterval() {
    intervalIndex++;
    intervalRejected = false;
    keysInInterval.clear();
    clearGroup();
  }

  private void undatedInterval() {
    newInterval();
    if (stream.clock.hasStart() && fixedIntervalNs > 0) {
      long offset = multiplyCapped(intervalIndex, fixedIntervalNs);
      long end = stream.options.startEpochNanos() + offset;
      // An end past the 64-bit epoch range leaves the interval undated: its buckets are rejected.
      intervalEnd = end < stream.options.startEpochNanos() ? TextNumbers.INVALID : end;
    }
  }

  private static long multiplyCapped(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
  }

  private void clearGroup() {
    pid = KernelEvent.UNKNOWN_PID;
    tid = KernelEvent.UNKNOWN_PID;
    comm = null;
    dev = null;
    flags = null;
    pidns = null;
  }

  private void group(String part) {
    int eq = part.indexOf(" = ");
    if (eq < 0) {
      return;
    }
    String key = part.substring(0, eq);
    String rest = part.substring(eq + 3).strip();
    int sp = rest.indexOf(' ');
    String first = sp < 0 ? rest : rest.substring(0, sp);
    String tail = sp < 0 ? null : rest.substring(sp + 1).strip();
    switch (key) {
      case "pid" -> {
        pid = (int) Math.max(-1, Math.min(Integer.MAX_VALUE, TextNumbers.integer(first)));
        comm = tail;
      }
      case "tid" -> {
        tid = (int) Math.max(-1, Math.min(Integer.MAX_VALUE, TextNumbers.integer(first)));
        comm = tail;
      }
      case "pidns" -> pidns = first;
      case "disk" -> dev = unquoted(rest);
      case "flags" -> flags = rest;
      default -> {}
    }
  }

  /** BCC prints {@code disk = 'vda'} (and, under Python 3 with bytes, {@code b'vda'}). */
  private static String unquoted(String s) {
    String t = s.startsWith("b'") ? s.substring(1) : s;
    return t.length() >= 2 && t.charAt(0) == '\'' && t.charAt(t.length() - 1) == '\''
        ? t.substring(1, t.length() - 1)
        : s;
  }

  private void bucket(String t, long lineNo, Consumer<KernelEvent> out, RejectListener rejects) {
    // lo -> hi : count |****|
    int arrow = t.indexOf("->");
    int colon = t.indexOf(':');
    if (unitNs == 0 || arrow < 0 || colon < arrow) {
      stream.counts.reject(
          lineNo,
          RejectReason.UNKNOWN_LAYOUT,
          "not a histogram line: " + AdapterStream.excerpt(t),
          rejects);
      return;
    }
    int bar = t.indexOf('|', colon);
    long lo = TextNumbers.integer(t.substring(0, arrow).strip());
    long hi = TextNumbers.integer(t.substring(arrow + 2, colon).strip());
    long count = TextNumbers.integer(t.substring(colon + 1, bar < 0 ? t.length() : bar).strip());
    if (lo < 0 || hi < lo || count < 0) {
      stream.counts.reject(
          lineNo, RejectReason.INVALID_VALUE, "bad histogram bucket: " + t, rejects);
      return;
    }
    if (count == 0) {
      return;
    }
    if (stream.tool == LibbpfToolsReader.Tool.CPUDIST) {
      stream.counts.skip("cpudist-bucket");
      return;
    }
    if (intervalEnd == TextNumbers.INVALID) {
      if (intervalRejected) {
        stream.counts.skip("undated-histogram");
      } else {
        intervalRejected = true;
        stream.counts.reject(
            lineNo,
            RejectReason.MISSING_TIME_ANCHOR,
            "histogram interval "
                + intervalIndex
                + " has no -T time, and no start time and interval were given",
            rejects);
      }
      return;
    }
    long lowNs;
    long highNs;
    long startNs;
    try {
      lowNs = Math.multiplyExact(lo, unitNs);
      highNs = Math.multiplyExact(Math.addExact(hi, 1), unitNs);
      startNs = Math.subtractExact(intervalEnd, highNs);
    } catch (ArithmeticException e) {
      stream.counts.reject(
          lineNo,
          RejectReason.INVALID_VALUE,
          "histogram bucket overflows 64-bit nanoseconds: " + AdapterStream.excerpt(t),
          rejects);
      return;
    }
    Map<String, String> attrs = new HashMap<>();
    attrs.put("histogram", "true");
    attrs.put("bucket_low_ns", Long.toString(lowNs));
    attrs.put("bucket_high_ns", Long.toString(highNs));
    if (timestamps) {
      attrs.put("time_resolution_ns", "1000000000");
    }
    if (intervalNs > 0) {
      attrs.put("interval_ns", Long.toString(intervalNs));
    }
    if (flags != null) {
      attrs.put("flags", flags);
    }
    if (pidns != null) {
      attrs.put("pidns", pidns);
    }
    EventName name =
        stream.tool == LibbpfToolsReader.Tool.BIOLATENCY
            ? EventName.BLOCK_IO_LATENCY
            : EventName.SCHED_RUNQ_LATENCY;
    stream.counts.emit(
        KernelEvent.builder(name, host)
            .interval(startNs, intervalEnd)
            .task(pid, tid, comm)
            .cgroup(0, stream.options.cgroupPath())
            .dev(dev)
            .value(count, "1")
            .attrs(attrs)
            .source(source)
            .build(),
        out);
  }
}
