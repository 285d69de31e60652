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

/**
 * The Inspektor Gadget records that are evidence by themselves: {@code trace_oomkill} and {@code
 * trace_tcpretrans} (image-based gadgets, and the legacy built-in {@code trace oomkill}/{@code
 * trace tcpretrans}), for {@link InspektorGadgetReader}.
 *
 * <p>trace_oomkill ({@code gadgets/trace_oomkill/program.bpf.c}, as BCC's oomkill: {@code fpid},
 * {@code fcomm} the task whose allocation triggered the kill, {@code tpid}, {@code tcomm} the
 * victim, {@code pages} the OOM domain's size; the legacy gadget names the victim {@code
 * kpid}/{@code kcomm} and the trigger {@code tpid}/{@code tcomm}) → {@code mem.oom_kill} with the
 * victim's {@code pid}/{@code comm}, {@code attrs.ctx_pid}/{@code ctx_comm}, {@code
 * attrs.totalpages}, {@code container.id} from {@code runtime.containerId} (the victim's mount
 * namespace is what the gadget filters on).
 *
 * <p>trace_tcpretrans ({@code src}, {@code dst} and a {@code type} of {@code RETRANS} or {@code
 * LOSS}, or a {@code state}/{@code tcpflags}) → {@code tcp.retransmit} with the 5-tuple ({@code
 * src} local), {@code attrs.state}, {@code attrs.tcpflags}, {@code attrs.type} ({@code retransmit}
 * or {@code tail-loss-probe}); the task in {@code proc} is whichever ran on the CPU, so it goes to
 * {@code attrs.on_cpu_pid}/{@code on_cpu_comm}, not {@code pid}. Stateless.
 */
final class InspektorGadgetKernelEvents {
  private InspektorGadgetKernelEvents() {}

  static boolean isRetransmit(JsonNode r) {
    if (!r.path("src").isObject() || !r.path("dst").isObject()) {
      return false;
    }
    String type = r.path("type").asText("");
    return type.equals("RETRANS") || type.equals("LOSS") || r.has("tcpflags") || r.has("state");
  }

  static KernelEvent oomKill(JsonNode r, String host, long epochNanos) throws BadRecord {
    boolean legacy = r.has("kpid");
    Map<String, String> attrs = new HashMap<>();
    attrs.put("ctx_pid", Long.toString(integer(r, legacy ? "tpid" : "fpid", -1)));
    putIfPresent(attrs, "ctx_comm", text(r, legacy ? "tcomm" : "fcomm"));
    putIfPresent(attrs, "totalpages", text(r, "pages"));
    putIfPresent(attrs, "mntns_id", text(r, "mntns_id"));
    int pid = (int) integer(r, legacy ? "kpid" : "tpid", KernelEvent.UNKNOWN_PID);
    return KernelEvent.builder(EventName.MEM_OOM_KILL, host)
        .at(epochNanos)
        .task(pid, KernelEvent.UNKNOWN_PID, text(r, legacy ? "kcomm" : "tcomm"))
        .container(text(r.path("runtime"), "containerId"), null)
        .attrs(attrs)
        .source("ig:trace_oomkill")
        .build();
  }

  static KernelEvent retransmit(JsonNode r, String host, long epochNanos) throws BadRecord {
    Map<String, String> attrs = new HashMap<>();
    JsonNode proc = r.path("proc").isObject() ? r.get("proc") : r;
    if (proc.has("pid")) {
      attrs.put("on_cpu_pid", Long.toString(integer(proc, "pid", 0)));
    }
    putIfPresent(attrs, "on_cpu_comm", text(proc, "comm"));
    putIfPresent(attrs, "state", text(r, "state"));
    putIfPresent(attrs, "tcpflags", text(r, "tcpflags"));
    attrs.put("type", "LOSS".equals(text(r, "type")) ? "tail-loss-probe" : "retransmit");
    FlowKey flow;
    try {
      flow = new FlowKey(endpoint(r.get("src"), "src"), endpoint(r.get("dst"), "dst"), "tcp");
    } catch (IllegalArgumentException e) {
      throw new BadRecord(RejectReason.INVALID_VALUE, "src or dst: " + e.getMessage());
    }
    return KernelEvent.builder(EventName.TCP_RETRANSMIT, host)
        .at(epochNanos)
        .flow(flow, 0)
        .attrs(attrs)
        .source("ig:trace_tcpretrans")
        .build();
  }

  private static Endpoint endpoint(JsonNode e, String field) throws BadRecord {
    String addr = text(e, "addr");
    if (addr == null) {
      throw new BadRecord(RejectReason.MISSING_FIELD, field + ".addr is missing");
    }
    return new Endpoint(addr, (int) integer(e, "port", 0));
  }

  private static void putIfPresent(Map<String, String> attrs, String key, String value) {
    if (value != null && !value.isEmpty()) {
      attrs.put(key, value);
    }
  }
}
