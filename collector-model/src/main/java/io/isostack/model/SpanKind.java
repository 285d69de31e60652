package io.isostack.model;

/** OTLP span kinds, numbered as in {@code opentelemetry.proto.trace.v1.Span.SpanKind}. */
public enum SpanKind {
  UNSPECIFIED,
  INTERNAL,
  SERVER,
  CLIENT,
  PRODUCER,
  CONSUMER;

  /** The kinds by OTLP number, copied once ({@code values()} clones its array on every call). */
  private static final SpanKind[] BY_NUMBER = values();

  /**
   * The kind for an OTLP enum number.
   *
   * @param number 0..5; any other number maps to {@link #UNSPECIFIED}, as the OTLP spec asks
   *     receivers to tolerate unknown enum values
   */
  public static SpanKind fromOtlp(int number) {
    return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : UNSPECIFIED;
  }
}
