package io.isostack.correlator.receiver;

import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * Where {@link LiveIngest} stores an accepted request before it answers OK ({@code serve --storage
 * DIR}): the request's own bytes, as received, so that a restart can decode and offer it again.
 *
 * <p>Implementations must be thread-safe: every receiver thread calls them.
 */
public interface WriteAheadLog {
  /** What a stored body holds, so that a replay decodes it with the same reader. */
  enum Kind {
    /** An OTLP {@code ExportTraceServiceRequest} in protobuf (gRPC or HTTP). */
    TRACES_PROTO,
    /** An OTLP/JSON traces body. */
    TRACES_JSON,
    /** An OTLP {@code ExportLogsServiceRequest} in protobuf (also one received as OTLP/JSON). */
    LOGS_PROTO,
    /** A {@code /v1/kernel-events} body of lines in an event format. */
    KERNEL_EVENTS;

    /** Whether the body carries spans (else kernel events). */
    public boolean spans() {
      return this == TRACES_PROTO || this == TRACES_JSON;
    }
  }

  /** What {@link #append} did. */
  enum Outcome {
    /** Stored, and the consumer took the batch: answer OK. */
    ACCEPTED,
    /**
     * The consumer refused the batch (full); nothing stays stored: answer the retryable refusal.
     */
    REFUSED,
    /** The store could not write it (or is full); nothing was offered: answer the refusal. */
    FAILED
  }

  /**
   * Stores one request, then offers its batch with the entry's sequence number; the entry is kept
   * only when the offer takes it. Appends are serialised, so that the consumer receives batches in
   * the order of their sequence numbers.
   *
   * @param kind what the body holds
   * @param format the event format of a {@link Kind#KERNEL_EVENTS} body, or null
   * @param body the request's bytes (only asked for when stored)
   * @param maxEventEndNanos the latest end of the body's kernel events, nanoseconds since the Unix
   *     epoch ({@link Long#MIN_VALUE} for spans): the entry may be deleted once the engine's window
   *     has passed it
   * @param offer offers the decoded batch with the given sequence number; true when taken
   * @return what happened; never throws for a store failure (that is {@link Outcome#FAILED})
   */
  Outcome append(
      Kind kind, String format, Supplier<byte[]> body, long maxEventEndNanos, LongPredicate offer);
}
