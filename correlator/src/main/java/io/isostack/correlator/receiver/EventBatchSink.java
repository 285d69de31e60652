package io.isostack.correlator.receiver;

import io.isostack.model.KernelEvent;
import java.util.List;

/** Where a live event stream hands its batches, e.g. {@code LiveAnalyzer::putEvents}. */
@FunctionalInterface
public interface EventBatchSink {
  /**
   * Takes one batch; may block while the engine is busy (backpressure).
   *
   * @param events the batch; the callee copies what it keeps
   * @throws InterruptedException if interrupted while blocked
   */
  void put(List<KernelEvent> events) throws InterruptedException;
}
