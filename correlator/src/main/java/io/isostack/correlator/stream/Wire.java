package io.isostack.correlator.stream;

import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import io.isostack.model.SocketAttributes;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanStatus;
import io.isostack.model.SpanView;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of span views and kernel events inside the application's own topics and state
 * stores (the repartition topic, the changelogs): every field, in declaration order, with {@code
 * DataOutput}'s big-endian primitives, strings as UTF-8 with their length, and a presence byte
 * before each nullable string.
 *
 * <p>It is private to one application version: both ends are this class, so it carries no schema; a
 * format change needs a new application id (fresh internal topics). Stateless.
 */
final class Wire {
  /** The longest string read back: 16 MiB, the longest canonical line. */
  private static final int MAX_STRING_BYTES = 16 * 1024 * 1024;

  private Wire() {}

  /**
   * A non-null string as its UTF-8 length and bytes ({@code writeUTF} stops at 64 KiB, and a long
   * kernel log message must not stop a stream thread).
   */
  static void utf(DataOutput out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  static String utf(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_STRING_BYTES) {
      throw new IOException("string length out of range: " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  static void string(DataOutput out, String s) throws IOException {
    if (s == null) {
      out.writeBoolean(false);
    } else {
      out.writeBoolean(true);
      utf(out, s);
    }
  }

  static String string(DataInput in) throws IOException {
    return in.readBoolean() ? utf(in) : null;
  }

  static void span(DataOutput out, SpanView s) throws IOException {
    utf(out, s.traceId());
    utf(out, s.spanId());
    string(out, s.parentSpanId());
    utf(out, s.name());
    out.writeByte(s.kind().ordinal());
    utf(out, s.service());
    out.writeLong(s.startEpochNanos());
    out.writeLong(s.endEpochNanos());
    out.writeByte(s.status().ordinal());
    string(out, s.host());
    out.writeInt(s.pid());
    string(out, s.containerId());
    string(out, s.podUid());
    string(out, s.executable());
    SocketAttributes a = s.socket();
    string(out, a.peerAddress());
    out.writeInt(a.peerPort());
    string(out, a.localAddress());
    out.writeInt(a.localPort());
    string(out, a.serverAddress());
    out.writeInt(a.serverPort());
    string(out, a.clientAddress());
    out.writeInt(a.clientPort());
    string(out, a.transport());
    string(out, a.networkType());
    string(out, s.threadName());
  }

  static SpanView span(DataInput in) throws IOException {
    String traceId = utf(in);
    String spanId = utf(in);
    String parent = string(in);
    String name = utf(in);
    SpanKind kind = SpanKind.values()[in.readByte()];
    String service = utf(in);
    long start = in.readLong();
    long end = in.readLong();
    SpanStatus status = SpanStatus.values()[in.readByte()];
    String host = string(in);
    int pid = in.readInt();
    String container = string(in);
    String pod = string(in);
    String executable = string(in);
    SocketAttributes socket =
        new SocketAttributes(
            string(in),
            in.readInt(),
            string(in),
            in.readInt(),
            string(in),
            in.readInt(),
            string(in),
            in.readInt(),
            string(in),
            string(in));
    String thread = string(in);
    return new SpanView(
        traceId,
        spanId,
        parent,
        name,
        kind,
        service,
        start,
        end,
        status,
        host,
        pid,
        container,
        pod,
        executable,
        socket,
        thread);
  }

  static void event(DataOutput out, KernelEvent e) throws IOException {
    utf(out, e.name().wire());
    out.writeLong(e.startEpochNanos());
    out.writeLong(e.endEpochNanos());
    utf(out, e.host());
    out.writeInt(e.pid());
    out.writeInt(e.tid());
    string(out, e.comm());
    out.writeLong(e.cgroupId());
    string(out, e.cgroupPath());
    string(out, e.containerId());
    string(out, e.podUid());
    FlowKey f = e.flow();
    out.writeBoolean(f != null);
    if (f != null) {
      endpoint(out, f.local());
      endpoint(out, f.remote());
      string(out, f.transport());
    }
    out.writeLong(e.skCookie());
    string(out, e.dev());
    out.writeDouble(e.value());
    string(out, e.unit());
    out.writeInt(e.attrs().size());
    for (Map.Entry<String, String> a : e.attrs().entrySet()) {
      utf(out, a.getKey());
      utf(out, a.getValue());
    }
    string(out, e.source());
  }

  static KernelEvent event(DataInput in) throws IOException {
    EventName name = EventName.fromWire(utf(in));
    long start = in.readLong();
    long end = in.readLong();
    String host = utf(in);
    int pid = in.readInt();
    int tid = in.readInt();
    String comm = string(in);
    long cgroupId = in.readLong();
    String cgroupPath = string(in);
    String container = string(in);
    String pod = string(in);
    FlowKey flow = null;
    if (in.readBoolean()) {
      flow = new FlowKey(endpoint(in), endpoint(in), string(in));
    }
    long cookie = in.readLong();
    String dev = string(in);
    double value = in.readDouble();
    String unit = string(in);
    int n = in.readInt();
    Map<String, String> attrs = new LinkedHashMap<>(Math.max(4, n * 2));
    for (int i = 0; i < n; i++) {
      attrs.put(utf(in), utf(in));
    }
    String source = string(in);
    return new KernelEvent(
        name,
        start,
        end,
        host,
        pid,
        tid,
        comm,
        cgroupId,
        cgroupPath,
        container,
        pod,
        flow,
        cookie,
        dev,
        value,
        unit,
        Map.copyOf(attrs),
        source);
  }

  static void events(DataOutput out, List<KernelEvent> events) throws IOException {
    out.writeInt(events.size());
    for (KernelEvent e : events) {
      event(out, e);
    }
  }

  static List<KernelEvent> events(DataInput in) throws IOException {
    int n = in.readInt();
    List<KernelEvent> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(event(in));
    }
    return out;
  }

  private static void endpoint(DataOutput out, Endpoint e) throws IOException {
    out.writeBoolean(e != null);
    if (e != null) {
      utf(out, e.address());
      out.writeInt(e.port());
    }
  }

  private static Endpoint endpoint(DataInput in) throws IOException {
    return in.readBoolean() ? new Endpoint(utf(in), in.readInt()) : null;
  }
}
