package io.isostack.codec;

import io.isostack.model.SocketAttributes;
import io.isostack.model.SpanKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tags of one Jaeger or Zipkin span mapped to what a {@link io.isostack.model.SpanView} holds:
 * kind, status, thread name and socket attributes. Follows the OpenTelemetry → Jaeger/Zipkin
 * mapping (docs/formats/06-jaeger-json.md): kind in {@code span.kind}, status in {@code
 * otel.status_code}, else {@code error}; socket attributes under their OpenTelemetry names, older
 * {@code net.*} names or the OpenTracing {@code peer.ipv4}/{@code peer.ipv6}/{@code peer.port}
 * tags. Collected first and applied once all tags are known, since a socket attribute's meaning
 * depends on the kind. Not thread-safe: one per span.
 */
final class SpanTags {
  private SpanKind kind;
  private int status;
  private boolean error;
  private String threadName;
  private final List<String> socketKeys = new ArrayList<>(4);
  private final List<String> socketValues = new ArrayList<>(4);

  /**
   * Offers one span tag.
   *
   * @param key the tag key
   * @param text its value as text, or null when it has no scalar value
   * @throws BadRecord if {@code span.kind} or {@code otel.status_code} has a value no span has
   */
  void tag(String key, String text) throws BadRecord {
    if (text == null) {
      return;
    }
    switch (key) {
      case "span.kind" -> kind = kindOf(text, "tag span.kind");
      case "otel.status_code" ->
          status =
              switch (text.toUpperCase(Locale.ROOT)) {
                case "UNSET" -> 0;
                case "OK" -> 1;
                case "ERROR" -> 2;
                default ->
                    throw new BadRecord(
                        RejectReason.INVALID_VALUE,
                        "tag otel.status_code is not UNSET, OK or ERROR: '" + text + "'");
              };
      case "error" -> error = !"false".equalsIgnoreCase(text);
      case "thread.name" -> threadName = text;
      case "peer.ipv4" -> socket("net.sock.peer.addr", ipv4(text));
      case "peer.ipv6" -> socket("net.sock.peer.addr", text);
      case "peer.port" -> socket("net.sock.peer.port", text);
      default -> socket(key, text);
    }
  }

  /** Sets the kind from a producer field (Zipkin's {@code kind}); a {@code span.kind} tag wins. */
  void kindIfAbsent(SpanKind k) {
    if (kind == null) {
      kind = k;
    }
  }

  /** Offers a socket attribute taken from outside the tags (Zipkin endpoints). */
  void socket(String key, String text) {
    if (text != null && !text.isEmpty()) {
      socketKeys.add(key);
      socketValues.add(text);
    }
  }

  /** The kind; {@link SpanKind#INTERNAL} when none was given (exporters omit it for internal). */
  SpanKind kind() {
    return kind == null ? SpanKind.INTERNAL : kind;
  }

  /** The OTLP status code: {@code otel.status_code}, else 2 (error) when {@code error} is set. */
  int statusCode() {
    return status != 0 ? status : error ? 2 : 0;
  }

  String threadName() {
    return threadName;
  }

  /** The socket attributes: the resource's first, then the span's (which win). */
  SocketAttributes.Builder socket(OtlpResource resource) {
    SocketAttributes.Builder b = resource.socketBuilder(kind());
    for (int i = 0; i < socketKeys.size(); i++) {
      b.set(socketKeys.get(i), socketValues.get(i));
    }
    return b;
  }

  /**
   * A span kind by its Jaeger or Zipkin name, case-insensitive.
   *
   * @param field where the text came from, for the message
   * @throws BadRecord if the text is no span kind
   */
  static SpanKind kindOf(String text, String field) throws BadRecord {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "client" -> SpanKind.CLIENT;
      case "server" -> SpanKind.SERVER;
      case "producer" -> SpanKind.PRODUCER;
      case "consumer" -> SpanKind.CONSUMER;
      case "internal" -> SpanKind.INTERNAL;
      default ->
          throw new BadRecord(
              RejectReason.INVALID_VALUE, field + " is not a span kind: '" + text + "'");
    };
  }

  /** OpenTracing's {@code peer.ipv4} may be the address as a 32-bit integer. */
  private static String ipv4(String text) {
    try {
      long v = Long.parseLong(text.trim());
      if (v >= 0 && v <= 0xffffffffL) {
        return (v >>> 24) + "." + ((v >> 16) & 0xff) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff);
      }
    } catch (NumberFormatException e) {
      // dotted text already
    }
    return text;
  }
}
