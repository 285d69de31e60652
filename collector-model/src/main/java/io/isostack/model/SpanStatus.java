package io.isostack.model;

/** OTLP span status codes, numbered as in {@code opentelemetry.proto.trace.v1.Status}. */
public enum SpanStatus {
  UNSET,
  OK,
  ERROR;

  /** The status for an OTLP enum number; unknown numbers map to {@link #UNSET}. */
  public static SpanStatus fromOtlp(int number) {
    SpanStatus[] all = values();
    return number >= 0 && number < all.length ? all[number] : UNSET;
  }
}
