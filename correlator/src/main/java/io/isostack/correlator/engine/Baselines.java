package io.isostack.correlator.engine;

/**
 * The baseline self time of an operation (service, span name, kind), for {@link SlowHopDetector}.
 */
interface Baselines {
  /**
   * The median self time of an operation.
   *
   * @param operation the key from {@link SlowHopDetector#operation}
   * @return nanoseconds, or -1 when there are fewer than {@link
   *     SlowHopDetector#BASELINE_MIN_SAMPLES} samples
   */
  long median(String operation);
}
