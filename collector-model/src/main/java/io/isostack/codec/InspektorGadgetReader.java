package io.isostack.codec;

import static io.isostack.codec.JsonEventFraming.integer;
import static io.isostack.codec.JsonEventFraming.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.isostack.clock.ClockConverter;
import io.isostack.clock.ClockDomain;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads Inspektor Gadget JSON ({@code ig run ... -o json|jsonpretty}, and the legacy built-in
 * gadgets' {@code -o json}; docs/formats/04-inspektor-gadget.md) and emits canonical {@link
 * KernelEvent}s with {@code source} {@code ig:<gadget>}.
 *
 * <p>Shapes: image-based gadgets put the task in {@code proc{comm,pid,tid,parent}} and the time in
 * {@code timestamp_raw} (epoch ns, read as a 64-bit integer, never a double); the legacy shape has
 * flat {@code pid}, {@code tid}, {@code comm} and an integer {@code timestamp} (epoch ns). A string
 * {@code timestamp} (RFC 3339, ig's local offset) is used only when no integer time exists. Both
 * give {@code container.id} = {@code runtime.containerId} (64 hex) and {@code host.name} = {@code
 * k8s.node} when non-empty; IG exports no pod uid and no cgroup.
 *
 * <p>Mapping, by the fields present (the gadget's name is not in its output):
 *
 * <ul>
 *   <li>trace_exec ({@code args} with {@code exepath}/{@code args_count}, or legacy {@code args[]}
 *       with {@code ret}) → {@code process.exec} ({@code attrs.args}, {@code attrs.ppid}, {@code
 *       attrs.exepath}); a failed exec ({@code error_raw}/{@code ret} non-zero) → {@code
 *       syscall.error} with {@code attrs.syscall=execve}.
 *   <li>trace_open ({@code fname}, or legacy {@code path}) failing with {@code EACCES} or {@code
 *       EPERM} ({@code error}/{@code error_raw}, legacy {@code err}) → {@code syscall.error}
 *       ({@code attrs.syscall=openat}, {@code attrs.errno}, {@code attrs.file}).
 *   <li>Every other record of a containerised task (trace_tcp connect/accept/close, opens that
 *       succeed or fail otherwise, other trace gadgets) → {@code cgroup.attach} with {@code pid},
 *       {@code tid}, {@code comm}, {@code container.id} and {@code attrs.observed=true}: an
 *       observation that the host pid was in the container at {@code time_ns}, which is what the
 *       engine's process directory needs from IG. It is {@code cgroup.attach} rather than {@code
 *       process.exec} because an exec record tells the engine the pid started a new process.
 *       Emitted once per (host, pid, container) per reader; repeats and records without a container
 *       are counted as skipped. trace_tcp's 5-tuple describes no stall (no canonical event).
 *   <li>Top/profile intervals (top-level arrays) are counted as skipped.
 * </ul>
 *
 * <p>Not thread-safe: one reader per thread (it remembers which pids it has placed).
 */
public final class InspektorGadgetReader extends JsonEventAdapter {
  /** The longest line accepted, in bytes. */
  public static final int MAX_LINE_BYTES = SizeLimits.atMost(16 * 1024 * 1024);

  private static final int MAX_PLACED = 1 << 16;

  /**
   * 2000-01-01T00:00:00Z in nanoseconds since the Unix epoch: an IG time before it is no wall-clock
   * time but {@code bpf_ktime_get_boot_ns()} (CLOCK_BOOTTIME) that no formatter converted.
   */
  static final long WALL_CLOCK_FLOOR_NANOS = 946_684_800_000_000_000L;

  private final String defaultHost;
  private final ClockConverter clocks;
  private final Map<String, String> placed = new HashMap<>();

  /**
   * Creates a reader.
   *
   * @param defaultHost the {@code host.name} of records without a {@code k8s.node}
   * @param clocks the boottime offsets ({@code clock.sync}, {@code --boot-time}, {@code
   *     --clock-offset boottime=NANOS}) that place raw boot-time timestamps on the epoch
   * @throws NullPointerException if an argument is null
   */
  public InspektorGadgetReader(String defaultHost, ClockConverter clocks) {
    this.defaultHost = Objects.requireNonNull(defaultHost, "defaultHost");
    this.clocks = Objects.requireNonNull(clocks, "clocks");
  }

  @Override
  void map(JsonNode r, AdapterStream stream, Consumer<KernelEvent> out) throws BadRecord {
    if (r.has("tpid") && (r.has("fpid") || r.has("kpid"))) {
      stream.emit(InspektorGadgetKernelEvents.oomKill(r, hostOf(r), time(r, hostOf(r))), out);
      return;
    }
    if (InspektorGadgetKernelEvents.isRetransmit(r)) {
      stream.emit(InspektorGadgetKernelEvents.retransmit(r, hostOf(r), time(r, hostOf(r))), out);
      return;
    }
    JsonNode proc = r.get("proc");
    boolean image = proc != null && proc.isObject();
    JsonNode task = image ? proc : r;
    if (!task.has("pid")) {
      throw new BadRecord(RejectReason.MISSING_FIELD, "neither proc.pid nor pid is present");
    }
    int pid = (int) integer(task, "pid", KernelEvent.UNKNOWN_PID);
    int tid = (int) integer(task, "tid", KernelEvent.UNKNOWN_PID);
    String comm = text(task, "comm");
    String container = text(r.path("runtime"), "containerId");
    String host = hostOf(r);
    long time = time(r, host);
    Map<String, String> attrs = new HashMap<>();
    putIfPresent(attrs, "k8s.namespace.name", text(r.path("k8s"), "namespace"));
    putIfPresent(attrs, "k8s.pod.name", text(r.path("k8s"), "podName"));
    String mntns = image ? text(proc, "mntns_id") : text(r, "mountnsid");
    putIfPresent(attrs, "mntns_id", mntns);

    EventName name = null;
    String gadget = null;
    if (r.has("args") && (r.has("exepath") || r.has("args_count") || r.has("ret"))) {
      gadget = "trace_exec";
      long err = image ? integer(r, "error_raw", 0) : integer(r, "ret", 0);
      attrs.put("args", r.get("args").isArray() ? join(r.get("args")) : r.get("args").asText());
      long ppid = image ? integer(proc.path("parent"), "pid", -1) : integer(r, "ppid", -1);
      if (ppid >= 0) {
        attrs.put("ppid", Long.toString(ppid));
      }
      putIfPresent(attrs, "exepath", text(r, "exepath"));
      if (err != 0) {
        attrs.put("syscall", "execve");
        attrs.put("errno", Errno.name(Math.abs(err)));
        name = EventName.SYSCALL_ERROR;
      } else {
        name = EventName.PROCESS_EXEC;
        placed.put(host + '/' + pid, String.valueOf(container));
      }
    } else if (r.has("fname") || (!image && r.has("path") && (r.has("err") || r.has("fd")))) {
      gadget = "trace_open";
      String errno = openErrno(r, image);
      if ("EACCES".equals(errno) || "EPERM".equals(errno)) {
        attrs.put("syscall", "openat");
        attrs.put("errno", errno);
        putIfPresent(attrs, "file", text(r, image ? "fname" : "path"));
        name = EventName.SYSCALL_ERROR;
      }
    } else if (r.has("src") && r.has("dst")) {
      gadget = "trace_tcp";
    }
    if (name == null) {
      if (container == null || pid <= 0 || container.equals(placed.get(host + '/' + pid))) {
        stream.skip(SkipReason.NOT_EVIDENCE);
        return;
      }
      if (placed.size() >= MAX_PLACED) {
        placed.clear();
      }
      placed.put(host + '/' + pid, container);
      name = EventName.CGROUP_ATTACH;
      attrs.put("observed", "true");
    }
    stream.emit(
        KernelEvent.builder(name, host)
            .at(time)
            .task(pid, tid, comm)
            .container(container, null)
            .attrs(attrs)
            .source("ig:" + (gadget == null ? "gadget" : gadget))
            .build(),
        out);
  }

  private static String openErrno(JsonNode r, boolean image) throws BadRecord {
    if (image) {
      String e = text(r, "error");
      if (e != null && e.startsWith("E")) {
        return e;
      }
      long raw = integer(r, "error_raw", 0);
      return raw == 0 ? null : Errno.name(Math.abs(raw));
    }
    long err = integer(r, "err", 0);
    return err == 0 ? null : Errno.name(Math.abs(err));
  }

  private String hostOf(JsonNode r) {
    String node = text(r.path("k8s"), "node");
    return node != null && !node.isEmpty() ? node : defaultHost;
  }

  /**
   * The record's time: {@code timestamp_raw}, else an integer {@code timestamp}, else an RFC 3339
   * {@code timestamp}. A time before {@link #WALL_CLOCK_FLOOR_NANOS} (a date in 1970) is
   * nanoseconds since boot: the record's RFC 3339 {@code timestamp} is taken instead when it is a
   * wall-clock date, else the boot time is converted with the host's boottime offset.
   *
   * @throws BadRecord {@code missing-clock-sync} when a boot time has no offset, naming the fix
   */
  private long time(JsonNode r, String host) throws BadRecord {
    String field;
    long t;
    JsonNode raw = r.get("timestamp_raw");
    JsonNode ts = r.get("timestamp");
    if (raw != null && !raw.isNull()) {
      field = "timestamp_raw";
      t = integer(r, field, 0);
    } else if (ts != null && ts.isIntegralNumber()) {
      field = "timestamp";
      t = integer(r, field, 0);
    } else if (ts != null && ts.isTextual()) {
      field = "timestamp";
      t = JsonEventFraming.rfc3339(ts.textValue(), field);
    } else {
      throw new BadRecord(RejectReason.MISSING_FIELD, "neither timestamp_raw nor timestamp");
    }
    if (t >= WALL_CLOCK_FLOOR_NANOS) {
      return t;
    }
    if (ts != null && ts.isTextual() && !"timestamp".equals(field)) {
      long formatted = JsonEventFraming.rfc3339(ts.textValue(), "timestamp");
      if (formatted >= WALL_CLOCK_FLOOR_NANOS) {
        return formatted; // a raw boot time next to the formatter's wall-clock text
      }
    }
    if (t < 0) {
      throw new BadRecord(RejectReason.INVALID_VALUE, field + " is negative: " + t);
    }
    if (!clocks.canConvert(host, ClockDomain.BOOTTIME)) {
      throw new BadRecord(
          RejectReason.MISSING_CLOCK_SYNC,
          field
              + " "
              + t
              + " is nanoseconds since boot (CLOCK_BOOTTIME, as the gadget recorded it), not a"
              + " date in 1970: give host '"
              + host
              + "' a boot time with --boot-time (btime of its /proc/stat) or --clock-offset"
              + " boottime=NANOS, or a clock.sync record, or let ig format its timestamps");
    }
    return clocks.toEpochNanos(host, ClockDomain.BOOTTIME, t);
  }

  private static String join(JsonNode array) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode a : array) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(a.asText());
    }
    return sb.toString();
  }

  private static void putIfPresent(Map<String, String> attrs, String key, String value) {
    if (value != null) {
      attrs.put(key, value);
    }
  }
}
