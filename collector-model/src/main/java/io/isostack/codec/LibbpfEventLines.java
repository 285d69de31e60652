package io.isostack.codec;

import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Maps the data lines of the per-event libbpf-tools (runqslower, tcplife, tcpstates, exitsnoop,
 * execsnoop) to events, by the columns of the stream's header; the mapping is documented on {@link
 * LibbpfToolsReader}. Not thread-safe: one per stream.
 */
final class LibbpfEventLines {
  private static final String RESOLUTION = "time_resolution_ns";

  private final LibbpfToolsReader.StreamState stream;
  private final String host;
  private final String source;
  private final LibbpfLayout layout;
  private final int time;
  private final int relTime;

  LibbpfEventLines(LibbpfToolsReader.StreamState stream, String host) {
    this.stream = stream;
    this.host = host;
    this.source = stream.eventSource();
    this.layout = stream.layout;
    // BCC's exitsnoop -t labels its column TIME-<zone> (TIME-UTC with --utc) and prints
    // HH:MM:SS.mmm; the zone is taken from --time-zone like every other HH:MM:SS column
    int t = layout.index("TIME") >= 0 ? layout.index("TIME") : layout.indexStartingWith("TIME-");
    int ts = layout.index("TIME(s)");
    this.time = t >= 0 ? t : ts;
    this.relTime = t >= 0 ? ts : -1;
  }

  void line(String line, long lineNo, Consumer<KernelEvent> out, RejectListener rejects) {
    if (time < 0 && layout.index("RETRANSMITS") >= 0) {
      stream.counts.skip("tcpretrans-count"); // tcpretrans -c: per-flow totals, printed at exit
      return;
    }
    String[] v = layout.split(line);
    if (v == null || (time >= 0 && !looksLikeTime(v[time]))) {
      if (stream.tool == LibbpfToolsReader.Tool.EXECSNOOP) {
        stream.counts.skip(
            "execsnoop-args-continuation"); // continuation of the previous record's ARGS
        return;
      }
      stream.counts.reject(
          lineNo,
          RejectReason.UNKNOWN_LAYOUT,
          "not a " + stream.tool.toolName() + " record: " + AdapterStream.excerpt(line.strip()),
          rejects);
      return;
    }
    try {
      Map<String, String> attrs = new HashMap<>();
      long end = endTime(v, attrs);
      KernelEvent e =
          switch (stream.tool) {
            case RUNQSLOWER -> runqslower(v, end, attrs);
            case TCPLIFE -> tcplife(v, end, attrs);
            case TCPSTATES -> tcpstates(v, end, attrs);
            case EXITSNOOP -> exitsnoop(v, end, attrs);
            case EXECSNOOP -> execsnoop(v, end, attrs);
            case TCPRETRANS -> tcpretrans(v, end, attrs);
            default -> null;
          };
      if (e == null) {
        stream.counts.skip(stream.tool.toolName() + "-not-evidence");
      } else {
        stream.counts.emit(e, out);
      }
    } catch (BadRecord bad) {
      stream.counts.reject(lineNo, bad.reason(), bad.getMessage(), rejects);
    }
  }

  private static boolean looksLikeTime(String s) {
    return LibbpfClock.isClockTime(s)
        || isClockTimeWithFraction(s)
        || TextNumbers.scaled(s, 9) != TextNumbers.INVALID;
  }

  /** {@code HH:MM:SS.mmm} (BCC exitsnoop -t). */
  private static boolean isClockTimeWithFraction(String s) {
    return s.length() > 9
        && s.charAt(8) == '.'
        && LibbpfClock.isClockTime(s.substring(0, 8))
        && TextNumbers.scaled(s.substring(8 + 1), 0) != TextNumbers.INVALID;
  }

  /** The event's end time: the latest moment of the printed second, or the relative time. */
  private long endTime(String[] v, Map<String, String> attrs) throws BadRecord {
    if (relTime >= 0 && stream.clock.hasStart()) {
      return relative(v[relTime], attrs);
    }
    if (time < 0) {
      throw new BadRecord(
          RejectReason.MISSING_TIME_ANCHOR, "the header has no TIME column (run the tool with -T)");
    }
    String t = v[time];
    if (isClockTimeWithFraction(t)) {
      long start = stream.clock.secondStart(t.substring(0, 8));
      long fraction = TextNumbers.scaled("0" + t.substring(8), 9);
      if (start == TextNumbers.INVALID || fraction == TextNumbers.INVALID) {
        throw new BadRecord(RejectReason.INVALID_VALUE, "TIME is not a time of day: " + t);
      }
      long res = 1;
      for (int i = TextNumbers.fractionDigits(t); i < 9; i++) {
        res *= 10;
      }
      attrs.put(RESOLUTION, Long.toString(res));
      return start + fraction;
    }
    if (LibbpfClock.isClockTime(t)) {
      long start = stream.clock.secondStart(t);
      if (start == TextNumbers.INVALID) {
        throw new BadRecord(RejectReason.INVALID_VALUE, "TIME is not a time of day: " + t);
      }
      attrs.put(RESOLUTION, "1000000000");
      return start + LibbpfClock.NANOS_PER_SECOND - 1;
    }
    return relative(t, attrs);
  }

  private long relative(String t, Map<String, String> attrs) throws BadRecord {
    if (!stream.clock.hasStart()) {
      throw new BadRecord(
          RejectReason.MISSING_TIME_ANCHOR,
          "TIME(s) "
              + t
              + " is seconds since the tool started, and no start time was given: pass"
              + " --start-time with the moment it started (e.g. 2026-12-01T19:00:00Z), or run it"
              + " with -T");
    }
    long at = stream.clock.relative(t);
    if (at == TextNumbers.INVALID) {
      throw new BadRecord(RejectReason.INVALID_VALUE, "TIME(s) is not a number: " + t);
    }
    long res = 1;
    for (int i = TextNumbers.fractionDigits(t); i < 9; i++) {
      res *= 10;
    }
    attrs.put(RESOLUTION, Long.toString(res));
    return at;
  }

  private KernelEvent runqslower(String[] v, long end, Map<String, String> attrs) throws BadRecord {
    int tid = intColumn(v, "TID");
    long latNs = scaledColumn(v, "LAT(us)", 3);
    int prevComm = layout.index("PREV COMM");
    if (prevComm >= 0) {
      attrs.put("prev_comm", v[prevComm]);
      attrs.put("prev_tid", Integer.toString(intColumn(v, "PREV TID")));
    }
    return event(EventName.SCHED_RUNQ_LATENCY, end - latNs, end)
        .task(KernelEvent.UNKNOWN_PID, tid, text(v, "COMM"))
        .attrs(attrs)
        .build();
  }

  private KernelEvent tcplife(String[] v, long end, Map<String, String> attrs) throws BadRecord {
    long durNs = scaledColumn(v, "MS", 6);
    attrs.put("tx_bytes", Long.toString(kibToBytes(v, "TX_KB")));
    attrs.put("rx_bytes", Long.toString(kibToBytes(v, "RX_KB")));
    return event(EventName.TCP_LIFETIME, end - durNs, end)
        .task(intColumn(v, "PID"), KernelEvent.UNKNOWN_PID, text(v, "COMM"))
        .flow(flow(v), 0)
        .attrs(attrs)
        .build();
  }

  private KernelEvent tcpstates(String[] v, long end, Map<String, String> attrs) throws BadRecord {
    if (!"SYN_SENT".equals(text(v, "OLDSTATE")) || !"ESTABLISHED".equals(text(v, "NEWSTATE"))) {
      return null;
    }
    long durNs = scaledColumn(v, "MS", 6);
    attrs.put("skaddr", text(v, "SKADDR"));
    attrs.put("state", "ESTABLISHED");
    // BCC's tcpstates names the task columns C-PID and C-COMM (the context's), libbpf PID and COMM
    boolean bcc = layout.index("C-PID") >= 0;
    return event(EventName.TCP_CONNECT_LATENCY, end - durNs, end)
        .task(
            intColumn(v, bcc ? "C-PID" : "PID"),
            KernelEvent.UNKNOWN_PID,
            text(v, bcc ? "C-COMM" : "COMM"))
        .flow(flow(v), 0)
        .attrs(attrs)
        .build();
  }

  private KernelEvent exitsnoop(String[] v, long end, Map<String, String> attrs) throws BadRecord {
    attrs.put("ppid", Integer.toString(intColumn(v, "PPID")));
    attrs.put("age_ns", Long.toString(scaledColumn(v, "AGE(s)", 9)));
    String code = text(v, "EXIT_CODE");
    if (code.startsWith("signal ")) {
      int sp = code.indexOf(' ', 7);
      attrs.put("signal", code.substring(7, sp < 0 ? code.length() : sp));
      int open = code.indexOf('(');
      int close = code.indexOf(')');
      if (open > 0 && close > open) {
        attrs.put("signal_name", "SIG" + code.substring(open + 1, close));
      }
      if (code.contains("core dumped")) {
        attrs.put("core_dumped", "true");
      }
    } else {
      String n = code.startsWith("code ") ? code.substring(5) : code;
      if (TextNumbers.integer(n) == TextNumbers.INVALID) {
        throw new BadRecord(RejectReason.INVALID_VALUE, "EXIT_CODE is not understood: " + code);
      }
      attrs.put("exit_code", n);
    }
    return event(EventName.PROCESS_EXIT, end, end)
        .task(intColumn(v, "PID"), intColumn(v, "TID"), text(v, "PCOMM"))
        .attrs(attrs)
        .build();
  }

  private KernelEvent execsnoop(String[] v, long end, Map<String, String> attrs) throws BadRecord {
    int ret = intColumn(v, "RET");
    attrs.put("ppid", Integer.toString(intColumn(v, "PPID")));
    if (layout.index("UID") >= 0) {
      attrs.put("uid", Integer.toString(intColumn(v, "UID")));
    }
    attrs.put("args", text(v, "ARGS"));
    if (ret < 0) {
      attrs.put("syscall", "execve");
      attrs.put("errno", Errno.name(-ret));
      return event(EventName.SYSCALL_ERROR, end, end)
          .task(intColumn(v, "PID"), KernelEvent.UNKNOWN_PID, text(v, "PCOMM"))
          .attrs(attrs)
          .build();
    }
    attrs.put("ret", Integer.toString(ret));
    return event(EventName.PROCESS_EXEC, end, end)
        .task(intColumn(v, "PID"), KernelEvent.UNKNOWN_PID, text(v, "PCOMM"))
        .attrs(attrs)
        .build();
  }

  /**
   * BCC {@code tcpretrans} ({@code TIME PID IP LADDR:LPORT T> RADDR:RPORT STATE [SEQ]}) or the
   * bpftrace tool {@code tcpretrans.bt} ({@code TIME PID LADDR:LPORT RADDR:RPORT STATE}). The PID
   * is whichever task was on the CPU (mostly 0: retransmits run in softirq), so it goes to {@code
   * attrs.on_cpu_pid}, not {@code pid}. {@code T>} {@code L>} is a tail loss probe ({@code -l}).
   */
  private KernelEvent tcpretrans(String[] v, long end, Map<String, String> attrs) throws BadRecord {
    attrs.put("on_cpu_pid", Integer.toString(intColumn(v, "PID")));
    attrs.put("state", text(v, "STATE"));
    int type = layout.index("T>");
    attrs.put("type", type >= 0 && v[type].startsWith("L") ? "tail-loss-probe" : "retransmit");
    if (layout.index("SEQ") >= 0) {
      attrs.put("seq", text(v, "SEQ"));
    }
    try {
      FlowKey flow =
          new FlowKey(
              hostPort(text(v, "LADDR:LPORT"), "LADDR:LPORT"),
              hostPort(text(v, "RADDR:RPORT"), "RADDR:RPORT"),
              "tcp");
      return event(EventName.TCP_RETRANSMIT, end, end).flow(flow, 0).attrs(attrs).build();
    } catch (IllegalArgumentException e) {
      throw new BadRecord(RejectReason.INVALID_VALUE, "address or port: " + e.getMessage());
    }
  }

  /** {@code 10.0.0.1:22} or {@code 2001:db8::1:22}: the port follows the last colon. */
  private static Endpoint hostPort(String text, String column) throws BadRecord {
    int colon = text.lastIndexOf(':');
    long port = colon < 0 ? TextNumbers.INVALID : TextNumbers.integer(text.substring(colon + 1));
    if (colon <= 0 || port < 0 || port > 65535) {
      throw new BadRecord(RejectReason.INVALID_VALUE, column + " is not ADDRESS:PORT: " + text);
    }
    return new Endpoint(text.substring(0, colon), (int) port);
  }

  private KernelEvent.Builder event(EventName name, long start, long end) {
    return KernelEvent.builder(name, host).interval(start, end).source(source);
  }

  private FlowKey flow(String[] v) throws BadRecord {
    try {
      return new FlowKey(
          new Endpoint(text(v, "LADDR"), intColumn(v, "LPORT")),
          new Endpoint(text(v, "RADDR"), intColumn(v, "RPORT")),
          "tcp");
    } catch (IllegalArgumentException e) {
      throw new BadRecord(RejectReason.INVALID_VALUE, "address or port: " + e.getMessage());
    }
  }

  private long kibToBytes(String[] v, String column) throws BadRecord {
    long milli = scaledColumn(v, column, 3); // KiB × 1000
    return (milli * 1024 + 500) / 1000;
  }

  private String text(String[] v, String column) throws BadRecord {
    int i = layout.index(column);
    if (i < 0) {
      throw new BadRecord(RejectReason.UNKNOWN_LAYOUT, "the header has no " + column + " column");
    }
    return v[i];
  }

  private int intColumn(String[] v, String column) throws BadRecord {
    long n = TextNumbers.integer(text(v, column));
    if (n == TextNumbers.INVALID || n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
      throw new BadRecord(
          RejectReason.INVALID_VALUE, column + " is not an integer: " + text(v, column));
    }
    return (int) n;
  }

  private long scaledColumn(String[] v, String column, int scale) throws BadRecord {
    long n = TextNumbers.scaled(text(v, column), scale);
    if (n == TextNumbers.INVALID || n < 0) {
      throw new BadRecord(
          RejectReason.INVALID_VALUE, column + " is not a non-negative number: " + text(v, column));
    }
    return n;
  }
}
