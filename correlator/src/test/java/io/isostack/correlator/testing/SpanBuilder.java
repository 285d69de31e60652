package io.isostack.correlator.testing;

import io.isostack.model.KernelEvent;
import io.isostack.model.SocketAttributes;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanStatus;
import io.isostack.model.SpanView;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds {@link SpanView}s for tests, with times in milliseconds after a fixed base instant.
 * Defaults: trace {@link #TRACE}, kind SERVER, service {@code svc}, host {@code node-1}, no pid.
 */
public final class SpanBuilder {
  private String threadName;

  /** 2026-03-02T10:00:00Z in nanoseconds since the Unix epoch: the time origin of all tests. */
  public static final long BASE_NANOS = 1_772_445_600_000_000_000L;

  /** The default trace id. */
  public static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  private String traceId = TRACE;
  private final String spanId;
  private String parentSpanId;
  private String name = "GET /";
  private SpanKind kind = SpanKind.SERVER;
  private String service = "svc";
  private long start = BASE_NANOS;
  private long end = BASE_NANOS + 1;
  private String host = "node-1";
  private int pid = KernelEvent.UNKNOWN_PID;
  private String containerId;
  private String podUid;
  private String executable;
  private final Map<String, String> socket = new LinkedHashMap<>();

  private SpanBuilder(String spanId) {
    this.spanId = spanId;
  }

  /** A span with id {@link #id(int) id(n)}. */
  public static SpanBuilder span(int n) {
    return new SpanBuilder(id(n));
  }

  /** A 16-hex span id made from a small number. */
  public static String id(int n) {
    return String.format(Locale.ROOT, "%016x", n);
  }

  /** A 32-hex trace id made from a small number. */
  public static String traceId(int n) {
    return String.format(Locale.ROOT, "%032x", n);
  }

  /** Nanoseconds since the Unix epoch of a time in milliseconds after {@link #BASE_NANOS}. */
  public static long ms(double millis) {
    return BASE_NANOS + Math.round(millis * 1_000_000L);
  }

  /** Sets the trace id. */
  public SpanBuilder trace(String id) {
    this.traceId = id;
    return this;
  }

  /** Sets the parent span id from a small number. */
  public SpanBuilder parent(int n) {
    this.parentSpanId = id(n);
    return this;
  }

  /** Sets service, name and kind. */
  public SpanBuilder op(String service, String name, SpanKind kind) {
    this.service = service;
    this.name = name;
    this.kind = kind;
    return this;
  }

  /** Sets start and end, in milliseconds after the base instant. */
  public SpanBuilder at(double startMillis, double endMillis) {
    this.start = ms(startMillis);
    this.end = ms(endMillis);
    return this;
  }

  /** Sets {@code host.name} (null for none). */
  public SpanBuilder host(String host) {
    this.host = host;
    return this;
  }

  /** Sets {@code process.pid}. */
  public SpanBuilder pid(int pid) {
    this.pid = pid;
    return this;
  }

  /** Sets {@code container.id}. */
  public SpanBuilder container(String containerId) {
    this.containerId = containerId;
    return this;
  }

  /** Sets {@code k8s.pod.uid}. */
  public SpanBuilder pod(String podUid) {
    this.podUid = podUid;
    return this;
  }

  /** Sets {@code process.executable.name}. */
  public SpanBuilder executable(String executable) {
    this.executable = executable;
    return this;
  }

  /** Adds a socket attribute such as {@code network.peer.port}. */
  public SpanBuilder attr(String key, Object value) {
    socket.put(key, String.valueOf(value));
    return this;
  }

  /** Sets {@code thread.name}. */
  public SpanBuilder thread(String name) {
    this.threadName = name;
    return this;
  }

  /** Builds the span. */
  public SpanView build() {
    SocketAttributes.Builder b = SocketAttributes.builder(kind);
    socket.forEach(b::set);
    return new SpanView(
        traceId,
        spanId,
        parentSpanId,
        name,
        kind,
        service,
        start,
        end,
        SpanStatus.UNSET,
        host,
        pid,
        containerId,
        podUid,
        executable,
        b.build(),
        threadName);
  }
}
