package io.isostack.model;

/** OTLP span kinds, numbered as in {@code opentelemetry.proto.trace.v1.Span.SpanKind}. */
public enum SpanKind {
  UNSPECIFIED,
  INTERNAL,
  SERVER,
  CLIENT,
  PRODUCER,
  CONSUMER;

  /**
   * The kind for an OTLP enum number.
   *
   * @param number 0..5; any other number maps to {@link #UNSPECIFIED}, as the OTLP spec asks
   *     receivers to tolerate unknown enum values
   */
  public static SpanKind fromOtlp(int number) {
    SpanKind[] all = values();
    return number >= 0 && number < all.length ? all[number] : UNSPECIFIED;
  }
}
