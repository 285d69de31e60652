package io.isostack.model;

/** OTLP span status codes, numbered as in {@code opentelemetry.proto.trace.v1.Status}. */
public enum SpanStatus {
  UNSET,
  OK,
  ERROR;

  /** The statuses by OTLP number, copied once ({@code values()} clones its array on every call). */
  private static final SpanStatus[] BY_NUMBER = values();

  /** The status for an OTLP enum number; unknown numbers map to {@link #UNSET}. */
  public static SpanStatus fromOtlp(int number) {
    return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : UNSET;
  }
}
