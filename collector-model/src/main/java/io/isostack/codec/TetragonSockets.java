package io.isostack.codec;

import static io.isostack.codec.JsonEventFraming.integer;
import static io.isostack.codec.JsonEventFraming.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Tetragon's socket events ({@code process_connect}, {@code process_close}, {@code process_listen};
 * the {@code tetragon_docs_process_*.json} samples) for one stream.
 *
 * <p>A connection is one {@code tcp.lifetime} event (docs/EVENTS.md: 5-tuple, {@code pid}, {@code
 * dur_ns}, {@code attrs.tx_bytes}, {@code attrs.rx_bytes}), the existing event that ties a 5-tuple
 * to a process, its container and pod: emitted at {@code process_close}, with {@code source_ip} and
 * {@code source_port} the local end, {@code stats.bytes_sent}/{@code bytes_received} the bytes,
 * {@code stats.segs_in}/{@code segs_out}/{@code srtt} as attrs, and the interval starting at the
 * matching {@code process_connect} of the same pid and 5-tuple in this stream ({@code
 * attrs.connect_seen} = {@code false} and no duration when there was none: a connection opened
 * before the export began, or accepted). The {@code process_connect} itself is counted as skipped
 * ({@code tetragon-process_connect}); so is {@code process_listen} ({@code
 * tetragon-process_listen}: a listening socket has no peer, and no canonical event describes one).
 * At most {@value #MAX_OPEN} connects wait for their close; older ones are forgotten. Not
 * thread-safe: one per stream.
 */
final class TetragonSockets {
  static final int MAX_OPEN = 65_536;

  private final Map<String, Long> openedAt =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > MAX_OPEN;
        }
      };

  /** Remembers a connect; its record is then counted as skipped by the caller. */
  void connect(JsonNode ev, String host, long epochNanos) throws BadRecord {
    openedAt.put(key(host, ev, flow(ev, "process_connect")), epochNanos);
  }

  /** The {@code tcp.lifetime} of a closed connection. */
  KernelEvent.Builder close(JsonNode ev, String host, long epochNanos) throws BadRecord {
    FlowKey flow = flow(ev, "process_close");
    Long opened = openedAt.remove(key(host, ev, flow));
    Map<String, String> attrs = new HashMap<>();
    JsonNode stats = ev.path("stats");
    putNumber(attrs, "tx_bytes", stats, "bytes_sent");
    putNumber(attrs, "rx_bytes", stats, "bytes_received");
    putNumber(attrs, "segs_in", stats, "segs_in");
    putNumber(attrs, "segs_out", stats, "segs_out");
    putNumber(attrs, "srtt", stats, "srtt");
    attrs.put("connect_seen", Boolean.toString(opened != null));
    long start = opened != null && opened <= epochNanos ? opened : epochNanos;
    KernelEvent.Builder b =
        KernelEvent.builder(EventName.TCP_LIFETIME, host).interval(start, epochNanos).flow(flow, 0);
    return TetragonReader.identity(b, ev.path("process"), ev, attrs)
        .source("tetragon:process_close");
  }

  private static String key(String host, JsonNode ev, FlowKey flow) throws BadRecord {
    return host + '|' + integer(ev.path("process"), "pid", -1) + '|' + flow;
  }

  private static FlowKey flow(JsonNode ev, String kind) throws BadRecord {
    String src = text(ev, "source_ip");
    String dst = text(ev, "destination_ip");
    if (src == null || dst == null) {
      throw new BadRecord(
          RejectReason.MISSING_FIELD, kind + ".source_ip or destination_ip is missing");
    }
    String protocol = text(ev, "protocol");
    try {
      return new FlowKey(
          new Endpoint(src, (int) integer(ev, "source_port", 0)),
          new Endpoint(dst, (int) integer(ev, "destination_port", 0)),
          protocol == null ? "tcp" : protocol.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadRecord(RejectReason.INVALID_VALUE, kind + ": " + e.getMessage());
    }
  }

  /** A uint64 stat (a JSON string in protojson) or a number, copied when present. */
  private static void putNumber(Map<String, String> attrs, String key, JsonNode n, String field)
      throws BadRecord {
    if (n.has(field)) {
      attrs.put(key, Long.toString(integer(n, field, 0)));
    }
  }
}
