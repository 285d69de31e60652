package io.isostack.codec;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The sandbox's own view of its syscalls: the debug log of gVisor's Sentry ({@code runsc --debug
 * --debug-log=DIR/ --strace}, the {@code runsc.log.*.boot.txt} file), whose {@code strace.go} lines
 * give each syscall a sandboxed task made, as the Sentry served it, with its result and duration:
 *
 * <pre>
 * I1201 23:14:44.071516    4727 strace.go:602] [   2:   2] mkdir X mkdir(0x7f93 /tmp/x, 0o777) = 0 (0x0) errno=17 (file exists) (51.126µs)
 * </pre>
 *
 * <p>A host's syscall tracepoints never see these syscalls (the Sentry serves them in user space),
 * so this log is the sandbox layer's (L-4) only syscall evidence. An exit line ({@code X}) becomes
 * {@code syscall.error} when it failed with {@code EPERM} or {@code EACCES} (denied), else {@code
 * syscall.latency} when it took at least {@link #SLOW_NANOS} (1 ms) and is not one that waits by
 * design ({@code wait4}, {@code clock_nanosleep}, {@code futex}, {@code epoll_wait}...: skipped as
 * {@code runsc-blocking-syscall}). Faster exits are counted as skipped ({@code runsc-fast-syscall})
 * and summed per sandboxed thread over windows of {@link #WINDOW_NANOS} (100 ms, from the window's
 * first exit): a window whose exits took at least 1 ms in all becomes one {@code syscall.latency}
 * with {@code attrs.summed=1}, {@code attrs.interval_ns} (the window), {@code value} (its exits)
 * and {@code attrs.syscall} (their name, or {@code several}), so that a handler making many fast
 * syscalls on the sandbox's slow path is seen; a window is closed by the first exit of any
 * sandboxed thread past it (the log is in time order, so a live reader hands a request's last
 * window on at the next syscall of the sandbox, not only at its own thread's), or at the end of the
 * input; entry lines ({@code E}) too ({@code runsc-syscall-entry}), every other log line ({@code
 * runsc-log}), and lines that continue one (runsc prints the OCI spec as indented JSON: {@code
 * runsc-continuation}). Each event carries {@code container.id} = the sandbox's container id (the
 * last argument of the log's {@code Args: [... boot ... ID]} line; events before it carry none),
 * {@code comm} = {@code runsc-sandbox} (the host task serving the syscall: the Sentry; it marks the
 * event as a sandbox's), no {@code pid} (the sandbox's pids are its own namespace's: {@code
 * attrs.sandbox_pid}, {@code attrs.sandbox_tid}; the Sentry's host pid in {@code
 * attrs.sentry_pid}), {@code attrs.task} (the sandboxed task's name), {@code attrs.syscall}, {@code
 * attrs.errno}, {@code attrs.ret}.
 *
 * <p>Time: glog's {@code MMDD HH:MM:SS.micros} in the zone of {@link
 * LibbpfToolsReader.Options#zone()} ({@code --time-zone}), in the year of its {@code --date} (today
 * by default), or the year before when that would put it more than a day after that date (syslog's
 * rule for a log without years); the line's time is the syscall's exit. Detected ({@link
 * Detection#LIKELY}) when the head has glog lines and mentions {@code runsc} or {@code strace.go}.
 * Stateless and thread-safe.
 */
final class RunscStraceFormat implements FormatReader<KernelEvent> {
  /** Exits at least this slow become {@code syscall.latency}: 1 ms, nanoseconds. */
  static final long SLOW_NANOS = 1_000_000L;

  static final String FAST = "runsc-fast-syscall";

  /** Fast exits of one thread are summed over windows of this length: 100 ms, nanoseconds. */
  static final long WINDOW_NANOS = 100_000_000L;

  static final String BLOCKING = "runsc-blocking-syscall";

  /**
   * Syscalls that wait by design (for a child, a timer, a signal, a futex, readiness): their
   * duration is the wait asked for, not the sandbox's slow path, so it is no latency evidence.
   */
  private static final java.util.Set<String> BLOCKING_SYSCALLS =
      java.util.Set.of(
          "wait4",
          "waitid",
          "nanosleep",
          "clock_nanosleep",
          "pause",
          "rt_sigsuspend",
          "rt_sigtimedwait",
          "futex",
          "poll",
          "ppoll",
          "select",
          "pselect6",
          "epoll_wait",
          "epoll_pwait",
          "epoll_pwait2",
          "accept",
          "accept4");

  static final String ENTRY = "runsc-syscall-entry";
  static final String OTHER = "runsc-log";
  static final String CONTINUATION = "runsc-continuation";

  private static final int MAX_LINE_BYTES = 64 * 1024;
  private static final String SOURCE = "runsc:strace";

  @Override
  public String name() {
    return "runsc";
  }

  @Override
  public int detect(InputHead head) {
    String first = head.firstRecord();
    if (head.isBinary() || glogTime(first, 2026) == null) {
      return Detection.NO;
    }
    return head.contains("runsc") || head.contains("strace.go:") ? Detection.LIKELY : Detection.NO;
  }

  @Override
  public RecordStream open(
      String source,
      ReadContext context,
      Consumer<? super KernelEvent> out,
      RejectListener rejects) {
    AdapterStream state = new AdapterStream(source);
    String host = context.defaultHost();
    int year = context.libbpf().date().getYear();
    String[] containerId = {null};
    Map<String, Window> windows = new HashMap<>();
    long[] oldestStart = {Long.MAX_VALUE}; // of the open windows
    return new LineRecordStream(MAX_LINE_BYTES) {
      @Override
      void decode(byte[] buf, int off, int len, long lineNo) {
        state.lines++;
        String line = new String(buf, off, len, StandardCharsets.UTF_8).stripTrailing();
        if (line.isBlank()) {
          return;
        }
        int close = line.indexOf("] ");
        if (close < 0 || glogTime(line, year) == null) {
          state.skip(CONTINUATION); // runsc prints the OCI spec and stacks over many lines
          return;
        }
        String message = line.substring(close + 2);
        if (message.startsWith("Args: [") && message.contains(" boot ")) {
          int end = message.lastIndexOf(']');
          int start = message.lastIndexOf(' ', end);
          containerId[0] = message.substring(start + 1, end);
        }
        if (!line.contains(" strace.go:")) {
          state.skip(OTHER);
          return;
        }
        try {
          Exit x = exit(line, message, year, context);
          if (x != null) {
            closeBefore(x.endNanos());
          }
          if (x == null) {
            state.skip(ENTRY);
          } else if (x.denied()) {
            state.emit(
                event(x, host, containerId[0], x.endNanos() - x.durNanos(), 0, x.name(), 1),
                out::accept);
          } else if (BLOCKING_SYSCALLS.contains(x.name())) {
            state.skip(BLOCKING);
          } else if (x.durNanos() >= SLOW_NANOS) {
            state.emit(
                event(x, host, containerId[0], x.endNanos() - x.durNanos(), 0, x.name(), 1),
                out::accept);
          } else {
            state.skip(FAST);
            Window w = windows.get(x.sandboxTid());
            if (w == null) {
              w = new Window(x, containerId[0]);
              windows.put(x.sandboxTid(), w);
              oldestStart[0] = Math.min(oldestStart[0], w.startNanos);
            }
            w.add(x);
          }
        } catch (BadRecord bad) {
          state.reject(lineNo, bad.reason(), bad.getMessage(), rejects);
        }
      }

      /**
       * Closes, oldest first, the windows an exit ending at {@code endNanos} is past; each window
       * is scanned for only once the oldest is due, so this costs a comparison per line.
       */
      private void closeBefore(long endNanos) {
        if (endNanos - oldestStart[0] < WINDOW_NANOS) {
          return;
        }
        java.util.List<Window> due = new java.util.ArrayList<>();
        long oldest = Long.MAX_VALUE;
        for (var it = windows.values().iterator(); it.hasNext(); ) {
          Window w = it.next();
          if (endNanos - w.startNanos >= WINDOW_NANOS) {
            due.add(w);
            it.remove();
          } else {
            oldest = Math.min(oldest, w.startNanos);
          }
        }
        oldestStart[0] = oldest;
        due.sort(java.util.Comparator.comparingLong(w -> w.startNanos));
        due.forEach(this::flush);
      }

      private void flush(Window w) {
        if (w.sumNanos >= SLOW_NANOS) {
          long end = w.endNanos;
          KernelEvent e =
              event(
                  w.last,
                  host,
                  w.containerId,
                  end - w.sumNanos,
                  end - w.startNanos,
                  w.mixed ? "several" : w.last.name(),
                  w.count);
          state.emit(e, out::accept);
        }
      }

      @Override
      public void finish() {
        windows.values().stream()
            .sorted(java.util.Comparator.comparingLong(w -> w.startNanos))
            .forEach(this::flush);
        windows.clear();
        oldestStart[0] = Long.MAX_VALUE;
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

  /** One syscall exit line, as the Sentry logged it. */
  private record Exit(
      String task,
      String sandboxPid,
      String sandboxTid,
      String sentryPid,
      String name,
      String ret,
      String errno,
      long durNanos,
      long endNanos) {
    boolean denied() {
      return "EPERM".equals(errno) || "EACCES".equals(errno);
    }
  }

  /** The fast exits of one sandboxed thread within {@link #WINDOW_NANOS}, summed. */
  private static final class Window {
    final long startNanos;
    final String containerId;
    long endNanos;
    long sumNanos;
    long count;
    Exit last;
    boolean mixed;

    Window(Exit first, String containerId) {
      this.startNanos = first.endNanos() - first.durNanos();
      this.containerId = containerId;
    }

    void add(Exit x) {
      mixed |= last != null && !last.name().equals(x.name());
      last = x;
      endNanos = Math.max(endNanos, x.endNanos());
      sumNanos += x.durNanos();
      count++;
    }
  }

  /** The exit of one strace line, or null when it is an entry line. */
  private static Exit exit(String line, String message, int year, ReadContext context)
      throws BadRecord {
    // "[   2:   2] mkdir X mkdir(...) = 0 (0x0) errno=17 (file exists) (51.126µs)"
    int bracket = message.indexOf(']');
    if (!message.startsWith("[") || bracket < 0) {
      throw new BadRecord(
          RejectReason.UNKNOWN_LAYOUT, "no [tgid:tid] in " + AdapterStream.excerpt(line));
    }
    int exit = message.indexOf(" X ", bracket);
    if (exit < 0) {
      return null;
    }
    String[] ids = message.substring(1, bracket).split(":");
    int paren = message.indexOf('(', exit + 3);
    int result = message.lastIndexOf(") = ");
    if (ids.length != 2 || paren < 0 || result < 0 || !message.endsWith(")")) {
      throw new BadRecord(
          RejectReason.UNKNOWN_LAYOUT, "not a strace exit line: " + AdapterStream.excerpt(line));
    }
    String tail = message.substring(result + 4);
    String errno = null;
    int at = tail.indexOf("errno=");
    if (at >= 0) {
      int space = tail.indexOf(' ', at);
      errno = Errno.name(Long.parseLong(tail.substring(at + 6, space < 0 ? tail.length() : space)));
    }
    return new Exit(
        message.substring(bracket + 1, exit).strip(),
        ids[0].strip(),
        ids[1].strip(),
        sentryPid(line),
        message.substring(exit + 3, paren),
        tail.substring(0, Math.max(tail.indexOf(' '), 0)),
        errno,
        goDurationNanos(message.substring(message.lastIndexOf('(') + 1)),
        epochNanos(line, year, context));
  }

  /**
   * The event of one exit, or of a window of summed exits ({@code intervalNanos} > 0: the sum ends
   * at the window's last exit and is spread over the window).
   */
  private static KernelEvent event(
      Exit x,
      String host,
      String containerId,
      long startNanos,
      long intervalNanos,
      String syscall,
      long count) {
    Map<String, String> attrs = new HashMap<>();
    attrs.put("syscall", syscall);
    attrs.put("task", x.task());
    attrs.put("sandbox_pid", x.sandboxPid());
    attrs.put("sandbox_tid", x.sandboxTid());
    attrs.put("sentry_pid", x.sentryPid());
    attrs.put("ret", x.ret());
    if (x.errno() != null) {
      attrs.put("errno", x.errno());
    }
    long end = x.endNanos();
    if (intervalNanos > 0) {
      attrs.put("summed", "1");
      attrs.put("interval_ns", Long.toString(intervalNanos));
    }
    return KernelEvent.builder(
            x.denied() ? EventName.SYSCALL_ERROR : EventName.SYSCALL_LATENCY, host)
        .interval(startNanos, end)
        .task(KernelEvent.UNKNOWN_PID, KernelEvent.UNKNOWN_PID, "runsc-sandbox")
        .container(containerId, null)
        .value(count, "1")
        .attrs(attrs)
        .source(SOURCE)
        .build();
  }

  /** glog's thread-id column: the Sentry's host pid (Go's glog prints the process id). */
  private static String sentryPid(String line) {
    String[] f = line.substring(0, line.indexOf("] ")).trim().split(" +");
    return f.length >= 3 ? f[2] : "-1";
  }

  private static long epochNanos(String line, int year, ReadContext context) throws BadRecord {
    LocalDateTime t = glogTime(line, year);
    if (t == null) {
      throw new BadRecord(RejectReason.INVALID_VALUE, "bad glog time in " + line);
    }
    if (t.toLocalDate().isAfter(context.libbpf().date().plusDays(1))) {
      t = t.minusYears(1); // glog prints no year: a date after the reading day is last year's
    }
    var instant = t.atZone(context.libbpf().zone()).toInstant();
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /** {@code I1201 23:14:44.071516 ...}: the local time, or null when the line is not glog's. */
  static LocalDateTime glogTime(String line, int year) {
    if (line.length() < 22 || "IWEFD".indexOf(line.charAt(0)) < 0 || line.charAt(5) != ' ') {
      return null;
    }
    try {
      int month = Integer.parseInt(line, 1, 3, 10);
      int day = Integer.parseInt(line, 3, 5, 10);
      int hour = Integer.parseInt(line, 6, 8, 10);
      int minute = Integer.parseInt(line, 9, 11, 10);
      int second = Integer.parseInt(line, 12, 14, 10);
      int micros = Integer.parseInt(line, 15, 21, 10);
      if (line.charAt(8) != ':' || line.charAt(11) != ':' || line.charAt(14) != '.') {
        return null;
      }
      return LocalDateTime.of(year, month, day, hour, minute, second, micros * 1000);
    } catch (NumberFormatException | DateTimeException e) {
      return null;
    }
  }

  /**
   * A Go {@code time.Duration} string ({@code 51.126µs}, {@code 1.5ms}, {@code 2m3.5s}, {@code
   * 850ns}) followed by {@code )}, in nanoseconds.
   */
  static long goDurationNanos(String text) throws BadRecord {
    String s = text.endsWith(")") ? text.substring(0, text.length() - 1) : text;
    double total = 0;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (start == unitStart) {
        throw new BadRecord(RejectReason.INVALID_VALUE, "bad duration " + text);
      }
      double n = Double.parseDouble(s.substring(start, unitStart));
      total +=
          n
              * switch (s.substring(unitStart, i)) {
                case "ns" -> 1;
                case "µs", "μs", "us" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> throw new BadRecord(RejectReason.INVALID_VALUE, "bad duration " + text);
              };
    }
    return Math.round(total);
  }
}
