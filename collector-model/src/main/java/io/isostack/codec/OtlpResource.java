package io.isostack.codec;

import io.isostack.model.KernelEvent;
import io.isostack.model.SocketAttributes;
import io.isostack.model.SpanKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The resource attributes of one OTLP {@code ResourceSpans} that a {@link
 * io.isostack.model.SpanView} flattens ({@code service.name}, {@code host.name}, {@code
 * process.pid}, {@code container.id}, {@code k8s.pod.uid}, {@code process.executable.name}), plus
 * the resource attributes that are socket attributes, which are offered to each span's {@link
 * SocketAttributes.Builder} before the span's own attributes (so span attributes win). Shared by
 * the JSON and protobuf trace readers; not thread-safe while being filled.
 */
final class OtlpResource {
  private static final String UNKNOWN_SERVICE = "unknown_service";

  String service = UNKNOWN_SERVICE;
  String host;
  int pid = KernelEvent.UNKNOWN_PID;
  String containerId;
  String podUid;
  String executable;

  /** Why every span of this resource must be rejected, or null. */
  BadRecord bad;

  private final List<String> socketKeys = new ArrayList<>(0);
  private final List<String> socketValues = new ArrayList<>(0);

  /**
   * Offers one resource attribute.
   *
   * @param key the attribute name
   * @param text its value as text, or null when it has no scalar value
   */
  void attribute(String key, String text) {
    if (text == null) {
      return;
    }
    switch (key) {
      case "service.name" -> service = text;
      case "host.name" -> host = text;
      case "process.pid" -> {
        try {
          long v = Long.parseLong(text.trim());
          if (v < 0 || v > Integer.MAX_VALUE) {
            throw new NumberFormatException();
          }
          pid = (int) v;
        } catch (NumberFormatException e) {
          bad =
              new BadRecord(
                  RejectReason.INVALID_VALUE,
                  "resource attribute process.pid is not a pid: '" + text + "'");
        }
      }
      case "container.id" -> containerId = text;
      case "k8s.pod.uid" -> podUid = text;
      case "process.executable.name" -> executable = text;
      default -> {
        if (SocketAttributes.builder(SpanKind.INTERNAL).set(key, text)) {
          socketKeys.add(key);
          socketValues.add(text);
        }
      }
    }
  }

  /** A socket-attribute builder for one span of this resource, already holding resource values. */
  SocketAttributes.Builder socketBuilder(SpanKind kind) {
    SocketAttributes.Builder b = SocketAttributes.builder(kind);
    for (int i = 0; i < socketKeys.size(); i++) {
      b.set(socketKeys.get(i), socketValues.get(i));
    }
    return b;
  }

  /** Formats a double attribute: integral values without a fraction, so ports parse. */
  static String doubleText(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }
}
