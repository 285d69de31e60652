package io.isostack.codec;

import static io.isostack.codec.JsonEventFraming.integer;
import static io.isostack.codec.JsonEventFraming.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads Tetragon's JSON export (one {@code GetEventsResponse} per line, protojson with snake_case
 * names; docs/formats/03-tetragon.md) and emits canonical {@link KernelEvent}s with {@code source}
 * {@code tetragon:<kind>}.
 *
 * <p>Mapping: {@code process_exec} → {@code process.exec}, {@code process_exit} → {@code
 * process.exit} ({@code attrs.exit_code} = {@code status}, {@code attrs.signal}); both carry {@code
 * pid}, {@code tid} (host namespace), {@code comm} = the basename of {@code binary} cut to 15
 * characters (the kernel's comm length), {@code container.id} = {@code pod.container.id} without
 * its {@code <runtime>://} prefix or else {@code docker} (31-character prefix), {@code k8s.pod.uid}
 * = {@code pod.uid}, {@code host.name} = {@code node_name}, and {@code attrs} {@code exec_id},
 * {@code binary}, {@code arguments}, {@code ppid}, {@code k8s.namespace.name}, {@code
 * k8s.pod.name}. {@code process_kprobe} / {@code process_tracepoint}: {@code tcp_retransmit_skb}
 * (or {@code tcp_retransmit_synack}) with a {@code sock_arg}/{@code skb_arg} → {@code
 * tcp.retransmit} (5-tuple with {@code saddr/sport} local, {@code sk_cookie}, {@code attrs.state}
 * without {@code TCP_}); a syscall kprobe ({@code __x64_sys_*}, {@code __arm64_sys_*}, {@code
 * __ia32_sys_*}, {@code sys_*}) whose {@code return} is negative → {@code syscall.error} ({@code
 * attrs.syscall} without prefix, {@code attrs.errno} name, {@code attrs.return}). {@code
 * rate_limit_info} adds its dropped events to {@link ReadSummary#lost()} and emits {@code
 * producer.lost}. {@code process_connect}/{@code process_close}/{@code process_listen}: see {@link
 * TetragonSockets} ({@code tcp.lifetime} per closed connection). Everything else is counted as
 * skipped by what it is: a kprobe that is no evidence by its function ({@code
 * tetragon-kprobe:tcp_sendmsg}), a tracepoint by subsystem and event ({@code
 * tetragon-tracepoint:sched:sched_switch}), other kinds by their key ({@code
 * tetragon-process_loader}, {@code tetragon-process_throttle}, {@code tetragon-process_lsm}).
 *
 * <p>Time: the top-level {@code time} (RFC 3339, UTC, up to ns; Tetragon converts BPF ktime to wall
 * clock at decode); else {@code process_exit.time}; else, for {@code process_exec}, {@code
 * process.start_time} (the exec moment, within microseconds). A record with none is rejected
 * ({@code missing-field}). Not thread-safe: one reader per thread.
 */
public final class TetragonReader extends JsonEventAdapter {
  /** The longest line accepted, in bytes. */
  public static final int MAX_LINE_BYTES = SizeLimits.atMost(16 * 1024 * 1024);

  private static final String[] SYSCALL_PREFIXES = {
    "__x64_sys_", "__arm64_sys_", "__ia32_sys_", "__se_sys_", "sys_"
  };

  private final String defaultHost;
  private final TetragonSockets sockets = new TetragonSockets();

  /**
   * Creates a reader.
   *
   * @param defaultHost the {@code host.name} of records without {@code node_name}
   * @throws NullPointerException if defaultHost is null
   */
  public TetragonReader(String defaultHost) {
    this.defaultHost = Objects.requireNonNull(defaultHost, "defaultHost");
  }

  @Override
  void map(JsonNode r, AdapterStream stream, Consumer<KernelEvent> out) throws BadRecord {
    String host = text(r, "node_name");
    host = host == null ? defaultHost : host;
    JsonNode exec = r.get("process_exec");
    JsonNode exit = r.get("process_exit");
    JsonNode kprobe = r.get("process_kprobe");
    JsonNode tp = r.get("process_tracepoint");
    JsonNode rate = r.get("rate_limit_info");
    if (rate != null) {
      long n = integer(rate, "number_of_dropped_process_events", 0);
      if (n > 0) {
        stream.lost(n, host, "tetragon:rate_limit_info", out);
      }
      return;
    }
    JsonNode connect = r.get("process_connect");
    JsonNode close = r.get("process_close");
    KernelEvent.Builder b;
    String skipped = null;
    if (connect != null) {
      sockets.connect(connect, host, JsonEventFraming.rfc3339(required(r), "time"));
      skipped = "tetragon-process_connect";
      b = null;
    } else if (close != null) {
      b = sockets.close(close, host, JsonEventFraming.rfc3339(required(r), "time"));
    } else if (exec != null) {
      b = process(EventName.PROCESS_EXEC, "process_exec", exec, r, host, new HashMap<>());
    } else if (exit != null) {
      Map<String, String> attrs = new HashMap<>();
      long status = integer(exit, "status", 0);
      attrs.put("exit_code", Long.toString(status));
      String signal = text(exit, "signal");
      if (signal != null) {
        attrs.put("signal_name", signal);
      }
      b = process(EventName.PROCESS_EXIT, "process_exit", exit, r, host, attrs);
    } else if (kprobe != null || tp != null) {
      b = probe(kprobe != null ? kprobe : tp, kprobe != null, r, host);
      skipped =
          kprobe != null
              ? "tetragon-kprobe:" + Objects.requireNonNullElse(text(kprobe, "function_name"), "?")
              : "tetragon-tracepoint:"
                  + Objects.requireNonNullElse(text(tp, "subsys"), "?")
                  + ":"
                  + Objects.requireNonNullElse(text(tp, "event"), "?");
    } else {
      String kind = null;
      for (var names = r.fieldNames(); names.hasNext() && kind == null; ) {
        String name = names.next();
        kind = name.startsWith("process_") ? name : null;
      }
      if (kind == null) {
        throw new BadRecord(RejectReason.INVALID_VALUE, "no Tetragon event key (process_*)");
      }
      skipped = "tetragon-" + kind;
      b = null;
    }
    if (b == null) {
      stream.skip(skipped);
    } else {
      stream.emit(b.build(), out);
    }
  }

  private KernelEvent.Builder process(
      EventName name, String kind, JsonNode ev, JsonNode r, String host, Map<String, String> attrs)
      throws BadRecord {
    JsonNode p = ev.get("process");
    if (p == null || !p.isObject()) {
      throw new BadRecord(RejectReason.MISSING_FIELD, kind + ".process is missing");
    }
    long time = time(r, ev, p, name == EventName.PROCESS_EXEC);
    return identity(KernelEvent.builder(name, host).at(time), p, ev, attrs)
        .source("tetragon:" + kind);
  }

  private KernelEvent.Builder probe(JsonNode ev, boolean isKprobe, JsonNode r, String host)
      throws BadRecord {
    JsonNode p = ev.path("process");
    String fn = isKprobe ? text(ev, "function_name") : text(ev, "event");
    if (fn == null) {
      return null;
    }
    String kind = isKprobe ? "process_kprobe:" + fn : "process_tracepoint:" + text(ev, "subsys");
    Map<String, String> attrs = new HashMap<>();
    if (fn.equals("tcp_retransmit_skb") || fn.equals("tcp_retransmit_synack")) {
      for (JsonNode arg : ev.path("args")) {
        JsonNode sock = arg.has("sock_arg") ? arg.get("sock_arg") : arg.get("skb_arg");
        if (sock != null && text(sock, "saddr") != null && text(sock, "daddr") != null) {
          FlowKey flow =
              new FlowKey(
                  new Endpoint(text(sock, "saddr"), (int) integer(sock, "sport", 0)),
                  new Endpoint(text(sock, "daddr"), (int) integer(sock, "dport", 0)),
                  "tcp");
          String state = text(sock, "state");
          if (state != null) {
            attrs.put("state", state.startsWith("TCP_") ? state.substring(4) : state);
          }
          attrs.put("function", fn);
          long cookie = unsigned(text(sock, "cookie"));
          KernelEvent.Builder b =
              KernelEvent.builder(EventName.TCP_RETRANSMIT, host).at(time(r, ev, p, false));
          return identity(b, p, ev, attrs).flow(flow, cookie).source("tetragon:" + kind);
        }
      }
      return null;
    }
    String syscall = isKprobe ? syscallName(fn) : null;
    JsonNode ret = ev.get("return");
    if (syscall == null || ret == null || !ret.isObject() || ret.size() == 0) {
      return null;
    }
    String retField = null;
    for (var it = ret.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("label") && ret.get(f).isValueNode()) {
        retField = f;
      }
    }
    long value = retField == null ? 0 : integer(ret, retField, 0);
    if (value >= 0) {
      return null;
    }
    attrs.put("syscall", syscall);
    attrs.put("errno", Errno.name(-value));
    attrs.put("return", Long.toString(value));
    KernelEvent.Builder b =
        KernelEvent.builder(EventName.SYSCALL_ERROR, host).at(time(r, ev, p, false));
    return identity(b, p, ev, attrs).source("tetragon:" + kind);
  }

  private static String syscallName(String fn) {
    for (String prefix : SYSCALL_PREFIXES) {
      if (fn.startsWith(prefix) && fn.length() > prefix.length()) {
        return fn.substring(prefix.length());
      }
    }
    return null;
  }

  private static long unsigned(String s) {
    try {
      return s == null ? 0 : Long.parseUnsignedLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String required(JsonNode r) throws BadRecord {
    String t = text(r, "time");
    if (t == null) {
      throw new BadRecord(RejectReason.MISSING_FIELD, "time is missing");
    }
    return t;
  }

  private static long time(JsonNode r, JsonNode ev, JsonNode p, boolean isExec) throws BadRecord {
    String t = text(r, "time");
    String field = "time";
    if (t == null && ev.has("time")) {
      t = text(ev, "time");
    }
    if (t == null && isExec) {
      t = text(p, "start_time");
      field = "process.start_time";
    }
    if (t == null) {
      throw new BadRecord(RejectReason.MISSING_FIELD, "time is missing");
    }
    return JsonEventFraming.rfc3339(t, field);
  }

  /** The process fields every Tetragon event carries, put on {@code b}. */
  static KernelEvent.Builder identity(
      KernelEvent.Builder b, JsonNode p, JsonNode ev, Map<String, String> attrs) throws BadRecord {
    int pid = (int) integer(p, "pid", KernelEvent.UNKNOWN_PID);
    int tid = (int) integer(p, "tid", pid);
    String binary = text(p, "binary");
    String comm = null;
    if (binary != null) {
      String base = binary.substring(binary.lastIndexOf('/') + 1);
      comm = base.length() > 15 ? base.substring(0, 15) : base;
      attrs.put("binary", binary);
    }
    putIfPresent(attrs, "exec_id", text(p, "exec_id"));
    putIfPresent(attrs, "arguments", text(p, "arguments"));
    JsonNode parent = ev.get("parent");
    if (parent != null && parent.has("pid")) {
      attrs.put("ppid", Long.toString(integer(parent, "pid", 0)));
    }
    JsonNode pod = p.path("pod");
    String container = text(pod.path("container"), "id");
    if (container != null) {
      int sep = container.indexOf("://");
      container = sep >= 0 ? container.substring(sep + 3) : container;
    } else {
      container = text(p, "docker");
    }
    putIfPresent(attrs, "k8s.namespace.name", text(pod, "namespace"));
    putIfPresent(attrs, "k8s.pod.name", text(pod, "name"));
    return b.task(pid, tid, comm).container(container, text(pod, "uid")).attrs(attrs);
  }

  private static void putIfPresent(Map<String, String> attrs, String key, String value) {
    if (value != null) {
      attrs.put(key, value);
    }
  }
}
