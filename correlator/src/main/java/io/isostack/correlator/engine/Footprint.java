package io.isostack.correlator.engine;

import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import java.util.Collection;
import java.util.Map;

/**
 * Estimates of the heap a span or kernel event keeps while the engine holds it, bytes, for the
 * {@link io.isostack.correlator.receiver.MemoryLimiter}: object headers and fields, each string
 * (24-byte {@code String} plus a 16-byte array header plus one byte per Latin-1 character, compact
 * strings), and the map entry that holds it. Deliberately on the high side. Stateless.
 */
final class Footprint {
  /** A {@code SpanView}, its enums and socket record, and its entry in its trace's map. */
  private static final long SPAN_BASE_BYTES = 200;

  /** A {@code KernelEvent}, its attrs map, and its references from the event index. */
  private static final long EVENT_BASE_BYTES = 240;

  /** One attribute entry: a hash-map node plus two strings' headers. */
  private static final long ATTR_BYTES = 112;

  /** One (host, pid) in the process directory, with its identity and index entries. */
  static final long PROCESS_ENTRY_BYTES = 480;

  private Footprint() {}

  static long span(SpanView s) {
    return SPAN_BASE_BYTES
        + string(s.traceId())
        + string(s.spanId())
        + string(s.parentSpanId())
        + string(s.name())
        + string(s.service())
        + string(s.host())
        + string(s.containerId())
        + string(s.podUid())
        + string(s.executable())
        + string(s.threadName())
        + (s.socket() == null ? 0 : 160);
  }

  static long spans(Collection<SpanView> spans) {
    long bytes = 0;
    for (SpanView s : spans) {
      bytes += span(s);
    }
    return bytes;
  }

  static long event(KernelEvent e) {
    long bytes =
        EVENT_BASE_BYTES
            + string(e.host())
            + string(e.comm())
            + string(e.cgroupPath())
            + string(e.containerId())
            + string(e.podUid())
            + string(e.dev())
            + string(e.unit())
            + (e.flow() == null ? 0 : 200);
    for (Map.Entry<String, String> a : e.attrs().entrySet()) {
      bytes += ATTR_BYTES + a.getKey().length() + a.getValue().length();
    }
    return bytes;
  }

  static long events(Collection<KernelEvent> events) {
    long bytes = 0;
    for (KernelEvent e : events) {
      bytes += event(e);
    }
    return bytes;
  }

  private static long string(String s) {
    return s == null ? 0 : 40 + s.length();
  }
}
