package io.isostack.correlator.detect;

/**
 * The baseline self time of an operation (service, span name, kind), for {@link SlowSpanDetector}.
 */
interface Baselines {
  /**
   * The median self time of an operation.
   *
   * @param operation the key from {@link SlowSpanDetector#operation}
   * @return nanoseconds, or -1 when there are fewer than {@link
   *     SlowSpanDetector#BASELINE_MIN_SAMPLES} samples
   */
  long median(String operation);
}
