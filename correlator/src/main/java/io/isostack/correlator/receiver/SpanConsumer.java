package io.isostack.correlator.receiver;

import io.isostack.model.SpanView;
import java.util.Collection;

/**
 * Where the receivers hand the spans they decoded: the shape of the OpenTelemetry Collector's
 * {@code consumer.Traces}. The live engine implements it; the receivers know nothing else of it.
 *
 * <p>Implementations must be thread-safe: every receiver thread calls them.
 */
public interface SpanConsumer {
  /**
   * Takes a batch of spans without blocking.
   *
   * @param spans the batch; the callee copies what it keeps
   * @return false when the consumer is full and took none of them: the receiver answers with the
   *     protocol's retryable refusal (gRPC {@code UNAVAILABLE}, HTTP 503 with {@code Retry-After})
   */
  boolean offerSpans(Collection<SpanView> spans);

  /**
   * Takes a batch of spans stored in a {@link WriteAheadLog} under sequence number {@code seq}, so
   * that the consumer can report how far the stored entries have been evaluated. The default
   * ignores the number.
   *
   * @param spans the batch; the callee copies what it keeps
   * @param seq the entry's sequence number, positive
   * @return as {@link #offerSpans(Collection)}
   */
  default boolean offerSpans(Collection<SpanView> spans, long seq) {
    return offerSpans(spans);
  }
}
