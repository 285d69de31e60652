package io.isostack.codec;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Maps the lines of {@code oomkill} (libbpf-tools and BCC print the same line; docs/formats/
 * 02-libbpf-tools.md) to {@code mem.oom_kill} events:
 *
 * <pre>
 * 21:03:39 Triggered by PID 3297 ("ntpd"), OOM kill of PID 22516 ("perl"), 3850642 pages, loadavg: 0.99 0.39 0.30 3/282 22724
 * </pre>
 *
 * <p>{@code pid}/{@code comm} = the victim (the PID after {@code OOM kill of}); {@code
 * attrs.ctx_pid}/{@code ctx_comm} = the task whose allocation triggered the kill, as in the shipped
 * {@code oom.bt}; {@code attrs.totalpages} = the pages figure, which is the OOM domain's size
 * ({@code oom_control.totalpages}: RAM + swap, or the memory cgroup's limit), not the victim's
 * memory, so no {@code value} is set; {@code attrs.loadavg} when printed. The time is the {@code
 * HH:MM:SS} print time, placed as for the other tools ({@link LibbpfToolsReader}). Not thread-safe:
 * one per stream.
 */
final class LibbpfOomKills {
  private static final String TRIGGERED = " Triggered by PID ";
  private static final String KILL = ", OOM kill of PID ";

  private final LibbpfToolsReader.StreamState stream;
  private final String host;

  LibbpfOomKills(LibbpfToolsReader.StreamState stream, String host) {
    this.stream = stream;
    this.host = host;
  }

  /** Whether a stripped line is an {@code oomkill} record. */
  static boolean isRecord(String stripped) {
    return stripped.length() > 8
        && LibbpfClock.isClockTime(stripped.substring(0, 8))
        && stripped.startsWith(TRIGGERED, 8);
  }

  void line(String stripped, long lineNo, Consumer<KernelEvent> out, RejectListener rejects) {
    if (!isRecord(stripped)) {
      stream.counts.reject(
          lineNo,
          RejectReason.UNKNOWN_LAYOUT,
          "not an oomkill record: " + AdapterStream.excerpt(stripped),
          rejects);
      return;
    }
    try {
      stream.counts.emit(event(stripped), out);
    } catch (BadRecord bad) {
      stream.counts.reject(lineNo, bad.reason(), bad.getMessage(), rejects);
    }
  }

  private KernelEvent event(String s) throws BadRecord {
    long second = stream.clock.secondStart(s.substring(0, 8));
    if (second == TextNumbers.INVALID) {
      throw new BadRecord(
          RejectReason.INVALID_VALUE, "TIME is not a time of day: " + s.substring(0, 8));
    }
    int[] at = {8 + TRIGGERED.length()};
    int ctxPid = pid(s, at, "triggering PID");
    String ctxComm = comm(s, at);
    if (!s.startsWith(KILL, at[0])) {
      throw new BadRecord(RejectReason.INVALID_VALUE, "no 'OOM kill of PID' in: " + excerpt(s));
    }
    at[0] += KILL.length();
    int pid = pid(s, at, "victim PID");
    String comm = comm(s, at);
    Map<String, String> attrs = new HashMap<>();
    attrs.put("ctx_pid", Integer.toString(ctxPid));
    attrs.put("ctx_comm", ctxComm);
    attrs.put("time_resolution_ns", "1000000000");
    int pages = s.indexOf(" pages", at[0]);
    if (pages > 0 && s.startsWith(", ", at[0])) {
      attrs.put("totalpages", s.substring(at[0] + 2, pages));
    }
    int load = s.indexOf("loadavg: ", at[0]);
    if (load > 0) {
      attrs.put("loadavg", s.substring(load + 9).strip());
    }
    long end = second + LibbpfClock.NANOS_PER_SECOND - 1;
    return KernelEvent.builder(EventName.MEM_OOM_KILL, host)
        .at(end)
        .task(pid, KernelEvent.UNKNOWN_PID, comm)
        .attrs(attrs)
        .source(stream.eventSource())
        .build();
  }

  private static int pid(String s, int[] at, String what) throws BadRecord {
    int i = at[0];
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    long n = i == at[0] ? TextNumbers.INVALID : TextNumbers.integer(s.substring(at[0], i));
    if (n == TextNumbers.INVALID || n > Integer.MAX_VALUE) {
      throw new BadRecord(RejectReason.INVALID_VALUE, what + " is not a pid in: " + excerpt(s));
    }
    at[0] = i;
    return (int) n;
  }

  /** {@code ("comm")}: the name between the quotes (a comm may hold any byte but a NUL). */
  private static String comm(String s, int[] at) throws BadRecord {
    int open = at[0] + 2;
    int close = s.indexOf("\")", open + 1);
    if (!s.startsWith(" (\"", at[0]) || close < 0) {
      throw new BadRecord(
          RejectReason.INVALID_VALUE, "no (\"comm\") after a PID in: " + excerpt(s));
    }
    at[0] = close + 2;
    return s.substring(open + 1, close);
  }

  private static String excerpt(String s) {
    return AdapterStream.excerpt(s);
  }
}
