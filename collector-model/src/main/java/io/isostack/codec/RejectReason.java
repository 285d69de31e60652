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

  /**
   * Text that is not in the encoding the format requires (UTF-8 JSON read as UTF-16 or UTF-32 and
   * holding an invalid code point, for instance); the rest of that document is not read.
   */
  public static final String INVALID_ENCODING = "invalid-encoding";

  /**
   * A record, frame or document larger than the reader's limit for it (the message names the size
   * and the limit); skipped, so that one oversized input cannot exhaust the heap.
   */
  public static final String TOO_LARGE = "too-large";

  /**
   * A record on which a reader failed in a way it did not foresee (a bug, reported with the
   * exception's class and message, never a stack trace); the rest of the input is still read.
   */
  public static final String READER_ERROR = "reader-error";

  private RejectReason() {}
}
