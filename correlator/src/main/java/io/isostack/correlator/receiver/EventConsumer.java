package io.isostack.correlator.receiver;

import io.isostack.model.KernelEvent;
import java.util.Collection;

/**
 * Where the receivers hand the kernel events they decoded: the shape of the OpenTelemetry
 * Collector's {@code consumer.Logs}. The live engine implements it.
 *
 * <p>Implementations must be thread-safe: every receiver and follower thread calls them.
 */
public interface EventConsumer {
  /**
   * Takes a batch of events without blocking (request/response receivers).
   *
   * @param events the batch; the callee copies what it keeps
   * @return false when the consumer is full and took none of them: the receiver answers with the
   *     protocol's retryable refusal
   */
  boolean offerEvents(Collection<KernelEvent> events);

  /**
   * Takes a batch of events, waiting while the consumer is full (followed files and producers,
   * whose backpressure is to read more slowly).
   *
   * @param events the batch; the callee copies what it keeps
   * @throws InterruptedException if interrupted while waiting
   */
  void putEvents(Collection<KernelEvent> events) throws InterruptedException;

  /**
   * Takes a batch of events stored in a {@link WriteAheadLog} under sequence number {@code seq}.
   * The default ignores the number.
   *
   * @param events the batch; the callee copies what it keeps
   * @param seq the entry's sequence number, positive
   * @return as {@link #offerEvents(Collection)}
   */
  default boolean offerEvents(Collection<KernelEvent> events, long seq) {
    return offerEvents(events);
  }
}
