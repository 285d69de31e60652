package io.isostack.codec;

import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.Arrays;

/**
 * One span's fields as a streaming OTLP decoder ({@link OtlpProtoSpanDecoder}, {@link
 * OtlpJsonSpanDecoder}) reads them, assembled into a view once its resource is known; each decoder
 * adds its ids, which it holds in its own form.
 */
abstract class OtlpRawSpan {
  String name;
  int kind;
  long startNanos;
  long endNanos;
  int statusCode;
  private int attributes;
  private String[] keys = new String[16];
  private String[] texts = new String[16];

  /** Clears the fields for the next span (a decoder reuses its raw spans). */
  void reset() {
    name = "";
    kind = 0;
    startNanos = 0;
    endNanos = 0;
    statusCode = 0;
    Arrays.fill(keys, 0, attributes, null);
    Arrays.fill(texts, 0, attributes, null);
    attributes = 0;
  }

  /** Keeps an attribute with a scalar value; the others are of no use to a span view. */
  final void attribute(String key, String text) {
    if (text == null) {
      return;
    }
    if (attributes == keys.length) {
      keys = Arrays.copyOf(keys, attributes * 2);
      texts = Arrays.copyOf(texts, attributes * 2);
    }
    keys[attributes] = key;
    texts[attributes] = text;
    attributes++;
  }

  /** The view with these ids, the thread name and socket attributes taken from the attributes. */
  final SpanView view(OtlpResource resource, String trace, String span, String parent)
      throws BadRecord {
    SpanKind k = SpanKind.fromOtlp(kind);
    var socket = resource.socketBuilder(k);
    String threadName = null;
    for (int i = 0; i < attributes; i++) {
      if ("thread.name".equals(keys[i])) {
        threadName = texts[i];
      } else {
        socket.set(keys[i], texts[i]);
      }
    }
    return OtlpSpans.view(
        resource,
        trace,
        span,
        parent,
        name,
        k,
        startNanos,
        endNanos,
        statusCode,
        socket,
        threadName);
  }
}
