package io.isostack.correlator.receiver;

import io.isostack.codec.Rejection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What became of one received request.
 *
 * @param outcome accepted (possibly in part), refused (engine queue full: retry later) or invalid
 *     (the body could not be decoded: do not retry)
 * @param accepted records handed to the engine
 * @param rejected records rejected as invalid
 * @param message why records were rejected, or why the request was refused or invalid; empty when
 *     all was accepted
 * @param errors the first few rejections
 * @param skipped records read correctly but skipped (no evidence), by reason; empty for OTLP
 */
public record IngestResult(
    Outcome outcome,
    long accepted,
    long rejected,
    String message,
    List<Rejection> errors,
    Map<String, Long> skipped) {

  /** The fate of a request. */
  public enum Outcome {
    /** Handed to the engine; {@code rejected} records were invalid and dropped. */
    ACCEPTED,
    /** The engine's queue was full; nothing was taken; the client should retry. */
    REFUSED,
    /** The body could not be decoded; nothing was taken; the client must not retry. */
    INVALID
  }

  /** Validates and copies. */
  public IngestResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
    errors = List.copyOf(errors);
    skipped = Collections.unmodifiableMap(new TreeMap<>(skipped));
  }

  /** A result with nothing skipped. */
  public IngestResult(
      Outcome outcome, long accepted, long rejected, String message, List<Rejection> errors) {
    this(outcome, accepted, rejected, message, errors, Map.of());
  }

  /** A copy with the skipped records of the request, by reason. */
  IngestResult withSkipped(Map<String, Long> byReason) {
    return new IngestResult(outcome, accepted, rejected, message, errors, byReason);
  }

  static IngestResult refused(long records) {
    return new IngestResult(
        Outcome.REFUSED,
        0,
        0,
        "the correlator is overloaded (queue full or memory above its soft limit); retry later ("
            + records
            + " records not taken)",
        List.of());
  }

  /**
   * The refusal when the write-ahead store could not keep the request (full, or a write failed).
   */
  static IngestResult notStored(long records) {
    return new IngestResult(
        Outcome.REFUSED,
        0,
        0,
        "the correlator could not store the request (storage full or failing); retry later ("
            + records
            + " records not taken)",
        List.of());
  }

  static IngestResult invalid(String message) {
    return new IngestResult(Outcome.INVALID, 0, 0, message, List.of());
  }
}
