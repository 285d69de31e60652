package io.isostack.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.isostack.clock.ClockConverter;
import io.isostack.clock.ClockDomain;
import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps the fields of one canonical kernel-event object (docs/EVENTS.md, version 1) to a {@link
 * KernelEvent}, streaming over a Jackson parser with a field-name switch and reusable scratch
 * fields.
 *
 * <p>Not thread-safe: one per {@link KernelEventReader}.
 */
final class CanonicalEventDecoder {

  private final ClockConverter clocks;
  private final StringCache strings = new StringCache(1024);
  private final Attrs attrs = new Attrs();

  private String name;
  private boolean hasTime;
  private long timeNs;
  private String clock;
  private String host;
  private int pid;
  private int tid;
  private String comm;
  private long cgroupId;
  private String cgroupPath;
  private String containerId;
  private String podUid;
  private String saddr;
  private int sport;
  private String daddr;
  private int dport;
  private String proto;
  private long skCookie;
  private String dev;
  private long durNs;
  private double value;
  private String unit;
  private String source;
  private boolean hasRealtime;
  private long realtimeNs;
  private boolean start;

  private final String[] nameTexts = new String[64];
  private final EventName[] nameValues = new EventName[64];
  private String lastClockText;
  private ClockDomain lastClockDomain;

  private String offsetHost;
  private ClockDomain offsetDomain;
  private long offsetVersion = -1;
  private long offsetValue;
  private boolean usedDefaultHost;

  CanonicalEventDecoder(ClockConverter clocks) {
    this.clocks = clocks;
  }

  /**
   * Decodes one object whose START_OBJECT the parser has consumed; the current token is the first
   * FIELD_NAME or END_OBJECT. Consumes up to and including the END_OBJECT.
   *
   * @param defaultHost the host of events without {@code host.name}
   * @param stream the stream's name, for error messages
   * @return the event, or null for a {@code clock.sync} record (applied to the clock converter)
   * @throws BadRecord when the record must be rejected
   */
  KernelEvent decode(JsonParser p, String defaultHost, String stream)
      throws IOException, BadRecord {
    readFields(p);
    return build(defaultHost, stream);
  }

  /** Whether any record built so far took the default host (it had no {@code host.name}). */
  boolean usedDefaultHost() {
    return usedDefaultHost;
  }

  /**
   * The first half of {@link #decode}: reads the object's fields into the scratch state, with no
   * effect outside this decoder, so that a caller may still discard the record (e.g. when the
   * object turns out to span lines) before {@link #build} applies a {@code clock.sync}.
   */
  void readFields(JsonParser p) throws IOException, BadRecord {
    reset();
    for (JsonToken t = p.currentToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String field = p.currentName();
      p.nextToken();
      field(p, field);
    }
  }

  private void reset() {
    name = null;
    hasTime = false;
    clock = null;
    host = null;
    pid = KernelEvent.UNKNOWN_PID;
    tid = KernelEvent.UNKNOWN_PID;
    comm = null;
    cgroupId = 0;
    cgroupPath = null;
    containerId = null;
    podUid = null;
    saddr = null;
    sport = 0;
    daddr = null;
    dport = 0;
    proto = null;
    skCookie = 0;
    dev = null;
    durNs = 0;
    value = Double.NaN;
    unit = null;
    source = null;
    hasRealtime = false;
    start = false;
    attrs.clear();
  }

  private void field(JsonParser p, String field) throws IOException, BadRecord {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return;
    }
    switch (field) {
      case "event.name" -> name = cached(p, field);
      case "time_ns" -> {
        timeNs = JsonValues.longValue(p, field);
        hasTime = true;
      }
      case "clock" -> clock = cached(p, field);
      case "host.name" -> host = cached(p, field);
      case "pid" -> pid = JsonValues.intValue(p, field, KernelEvent.UNKNOWN_PID, Integer.MAX_VALUE);
      case "tid" -> tid = JsonValues.intValue(p, field, KernelEvent.UNKNOWN_PID, Integer.MAX_VALUE);
      case "comm" -> comm = cached(p, field);
      case "cgroup.id" -> cgroupId = JsonValues.unsignedLong(p, field);
      case "cgroup.path" -> cgroupPath = cached(p, field);
      case "container.id" -> containerId = text(p, field);
      case "k8s.pod.uid" -> podUid = text(p, field);
      case "saddr" -> saddr = cached(p, field);
      case "sport" -> sport = JsonValues.intValue(p, field, 0, 65535);
      case "daddr" -> daddr = cached(p, field);
      case "dport" -> dport = JsonValues.intValue(p, field, 0, 65535);
      case "proto" -> proto = cached(p, field);
      case "sk_cookie" -> skCookie = JsonValues.unsignedLong(p, field);
      case "dev" -> dev = cached(p, field);
      case "dur_ns" -> {
        durNs = JsonValues.longValue(p, field);
        if (durNs < 0) {
          throw new BadRecord(RejectReason.INVALID_VALUE, "dur_ns is negative: " + durNs);
        }
      }
      case "value" -> value = JsonValues.doubleValue(p, field);
      case "unit" -> unit = cached(p, field);
      case "source" -> source = cached(p, field);
      case "realtime_ns" -> {
        realtimeNs = JsonValues.longValue(p, field);
        hasRealtime = true;
      }
      case "attrs" -> attrsObject(p);
      default -> {
        if (p.currentToken().isScalarValue()) {
          attrs.put(field, scalar(p), false);
        } else {
          p.skipChildren();
        }
      }
    }
  }

  private void attrsObject(JsonParser p) throws IOException, BadRecord {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new BadRecord(
          RejectReason.INVALID_VALUE, "attrs is not an object: " + p.currentToken().asString());
    }
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_NULL) {
        continue;
      }
      if (!v.isScalarValue()) {
        p.skipChildren(); // nested values are outside version 1: ignored, not fatal
        continue;
      }
      if ("start".equals(key)) {
        start =
            v == JsonToken.VALUE_TRUE
                || (v == JsonToken.VALUE_STRING && "true".equals(p.getText()));
      }
      attrs.put(key, scalar(p), true);
    }
  }

  /**
   * The second half of {@link #decode}: validates the fields read by {@link #readFields} and builds
   * the event, or applies a {@code clock.sync} and returns null.
   */
  KernelEvent build(String defaultHost, String stream) throws BadRecord {
    if (name == null) {
      throw new BadRecord(RejectReason.MISSING_FIELD, "event.name is missing");
    }
    EventName eventName = eventName(name);
    if (eventName == null) {
      throw new BadRecord(RejectReason.UNKNOWN_EVENT, "unknown event.name '" + name + "'");
    }
    if (!hasTime) {
      throw new BadRecord(RejectReason.MISSING_FIELD, "time_ns is missing");
    }
    ClockDomain domain = clock == null ? ClockDomain.REALTIME : domain(clock);
    if (domain == null) {
      throw new BadRecord(
          RejectReason.INVALID_VALUE,
          "clock '" + clock + "' is not one of realtime, boottime, monotonic");
    }
    if (host == null) {
      usedDefaultHost = true;
    }
    String h = host != null ? host : defaultHost;
    if (eventName == EventName.CLOCK_SYNC) {
      if (!hasRealtime) {
        throw new BadRecord(RejectReason.MISSING_FIELD, "realtime_ns is missing in clock.sync");
      }
      try {
        clocks.sync(h, domain, timeNs, realtimeNs);
      } catch (ArithmeticException e) {
        throw new BadRecord(RejectReason.INVALID_VALUE, "realtime_ns - time_ns overflows");
      }
      return null;
    }
    long offset = offset(h, domain);
    if (offset == Long.MIN_VALUE) {
      throw new BadRecord(RejectReason.MISSING_CLOCK_SYNC, missingSync(stream, h, domain));
    }
    long startNs;
    long endNs;
    try {
      long t = Math.addExact(timeNs, offset);
      startNs = start ? t : Math.subtractExact(t, durNs);
      endNs = start ? Math.addExact(t, durNs) : t;
    } catch (ArithmeticException e) {
      throw new BadRecord(RejectReason.INVALID_VALUE, "time_ns/dur_ns overflow: " + timeNs);
    }
    FlowKey flow = flow();
    if (saddr != null && daddr == null) {
      // A lone local address (e.g. net.interface) has no 5-tuple; keep it for the engine.
      attrs.put("saddr", saddr, false);
    } else if (daddr != null && saddr == null) {
      attrs.put("daddr", daddr, false);
    }
    // The record's constructor rather than KernelEvent.builder: a builder per event was a sixth of
    // what an analyze allocates (C1, which the launcher runs it with, does not scalar-replace it).
    return new KernelEvent(
        eventName,
        startNs,
        endNs,
        h,
        pid,
        tid,
        comm,
        cgroupId,
        cgroupPath,
        containerId,
        podUid,
        flow,
        skCookie,
        dev,
        value,
        unit,
        attrs.isEmpty() ? Map.of() : attrs.toMap(),
        source);
  }

  /**
   * The event name for its wire text; the text comes from the string cache, so a repeat is
   * recognised by identity in a small table instead of a map lookup per event.
   */
  private EventName eventName(String wire) {
    int h = wire.hashCode();
    int slot = (h ^ (h >>> 16)) & (nameTexts.length - 1);
    if (nameTexts[slot] == wire) {
      return nameValues[slot];
    }
    EventName n = EventName.fromWire(wire);
    nameTexts[slot] = wire;
    nameValues[slot] = n;
    return n;
  }

  /** The clock domain for its wire text, recognised by identity when it repeats. */
  private ClockDomain domain(String wire) {
    if (wire != lastClockText) {
      lastClockDomain = ClockDomain.fromWire(wire);
      lastClockText = wire;
    }
    return lastClockDomain;
  }

  /**
   * The clock offset for a host and domain, remembered from the previous event while the
   * converter's offsets do not change; {@link Long#MIN_VALUE} when none is known.
   */
  private long offset(String h, ClockDomain domain) {
    if (domain == ClockDomain.REALTIME) {
      return 0;
    }
    long version = clocks.version();
    if (h != offsetHost || domain != offsetDomain || version != offsetVersion) {
      Long o = clocks.offsetNanos(h, domain);
      offsetHost = h;
      offsetDomain = domain;
      offsetVersion = version;
      offsetValue = o == null ? Long.MIN_VALUE : o;
    }
    return offsetValue;
  }

  private String scalar(JsonParser p) throws IOException {
    return strings.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
  }

  private FlowKey flow() throws BadRecord {
    if (saddr == null || daddr == null) {
      return null;
    }
    try {
      return new FlowKey(
          new Endpoint(saddr, sport),
          new Endpoint(daddr, dport),
          proto == null ? null : proto.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadRecord(RejectReason.INVALID_VALUE, "saddr/daddr: " + e.getMessage());
    }
  }

  static String missingSync(String stream, String host, ClockDomain domain) {
    String d = domain.wire();
    return "stream '"
        + stream
        + "': event in clock "
        + d
        + " on host '"
        + host
        + "' but no clock offset is known; add a clock.sync record"
        + " {\"event.name\":\"clock.sync\",\"clock\":\""
        + d
        + "\",\"time_ns\":...,\"realtime_ns\":...} before the first event, or pass --clock-offset "
        + d
        + "=NANOS (REALTIME minus "
        + d.toUpperCase(Locale.ROOT)
        + ", in nanoseconds)";
  }

  private static String text(JsonParser p, String field) throws IOException, BadRecord {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw notString(p, field);
    }
    return p.getText();
  }

  private String cached(JsonParser p, String field) throws IOException, BadRecord {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw notString(p, field);
    }
    return strings.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
  }

  private static BadRecord notString(JsonParser p, String field) {
    return new BadRecord(
        RejectReason.INVALID_VALUE, field + " is not a string: " + p.currentToken().asString());
  }

  /**
   * The few extra fields of one event, kept in arrays and turned into an immutable map without a
   * HashMap per event.
   */
  private static final class Attrs {
    private String[] keys = new String[8];
    private String[] values = new String[8];
    private int size;

    void clear() {
      size = 0;
    }

    boolean isEmpty() {
      return size == 0;
    }

    void put(String key, String value, boolean replace) {
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          if (replace) {
            values[i] = value;
          }
          return;
        }
      }
      if (size == keys.length) {
        keys = java.util.Arrays.copyOf(keys, size * 2);
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size] = value;
      size++;
    }

    Map<String, String> toMap() {
      return switch (size) {
        case 0 -> Map.of();
        case 1 -> Map.of(keys[0], values[0]);
        case 2 -> Map.of(keys[0], values[0], keys[1], values[1]);
        case 3 -> Map.of(keys[0], values[0], keys[1], values[1], keys[2], values[2]);
        case 4 ->
            Map.of(keys[0], values[0], keys[1], values[1], keys[2], values[2], keys[3], values[3]);
        default -> {
          Map<String, String> m = new HashMap<>(size * 2);
          for (int i = 0; i < size; i++) {
            m.put(keys[i], values[i]);
          }
          yield Map.copyOf(m);
        }
      };
    }
  }
}
