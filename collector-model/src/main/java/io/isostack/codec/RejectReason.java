package io.isostack.codec;

/**
 * The stable reason codes readers put in {@link Rejection#reason()}; use them as metric tags.
 *
 * <p>Constants only; not instantiable.
 */
public final class RejectReason {
  /** The line or document is not valid JSON, or is truncated JSON. */
  public static final String INVALID_JSON = "invalid-json";

  /** A bpftrace {@code printf} record whose text is not a canonical JSON object. */
  public static final String NOT_CANONICAL = "not-canonical";

  /** A required field is absent (the message names it). */
  public static final String MISSING_FIELD = "missing-field";

  /** A field has the wrong type or an out-of-range value (the message names it). */
  public static final String INVALID_VALUE = "invalid-value";

  /** A trace or span id is not hex of the right length, or is all zero. */
  public static final String INVALID_ID = "invalid-id";

  /** An {@code event.name} this version does not know; counted and skipped, never fatal. */
  public static final String UNKNOWN_EVENT = "unknown-event";

  /** A boottime or monotonic event whose host has no clock offset yet. */
  public static final String MISSING_CLOCK_SYNC = "missing-clock-sync";

  /** A binary input ended inside a message. */
  public static final String TRUNCATED = "truncated";

  /** A protobuf message that does not parse (not a truncation). */
  public static final String INVALID_PROTOBUF = "invalid-protobuf";

  /** A text line longer than the reader's limit; skipped. */
  public static final String LINE_TOO_LONG = "line-too-long";

  /**
   * A text-tool record whose time cannot be placed on the Unix epoch: a relative {@code TIME(s)}
   * column or an undated histogram interval, and the reader was given no start time.
   */
  public static final String MISSING_TIME_ANCHOR = "missing-time-anchor";

  /** A text-tool line that is no record of a known layout (no header seen, or too few columns). */
  public static final String UNKNOWN_LAYOUT = "unknown-layout";

  private RejectReason() {}
}
