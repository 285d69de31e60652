package io.isostack.correlator.engine;

import io.isostack.correlator.verdict.VerticalStepSettings;

/**
 * Tunables of an analysis. Defaults are chosen and documented in the README.
 *
 * @param slowThresholdNanos self time at or above which a span is a slow hop; default 250 ms
 * @param baselineFloorNanos self time below which the baseline rule never fires; default half the
 *     slow threshold (125 ms): on a busy node, shorter deviations from the median are scheduling
 *     jitter, not incidents
 * @param slowRequestNanos duration of a trace's root span at or above which the request is slow and
 *     its time is attributed along its critical path (docs/METHOD.md §1, §4 step 1); default the
 *     slow threshold (250 ms): a request that lasts as long as one hop must lose to be slow is
 *     slow, wherever its time went, and one latency budget serves both
 * @param skewNanos clock-skew tolerance added on both sides of a span's window when joining kernel
 *     events; default 2 ms (NTP on one node keeps REALTIME within about a millisecond)
 * @param minExplainedFraction fraction of the self time the top cause must explain for a kernel
 *     verdict; below it the verdict is {@code application}; default 0.2
 * @param hostWideWindowNanos how close in time other slow hops on the same host must be for
 *     host-wide evidence to join; default 10 s
 * @param hostWideMinHops how many slow hops on one host within that window make host-level evidence
 *     (block devices, NIC counters) join every one of them; default 2
 * @param maxEvidencePerLink the most events kept per chain link in a finding; default 10
 * @param defaultHost the host of spans and events that carry no {@code host.name}
 */
public record AnalyzerSettings(
    long slowThresholdNanos,
    long baselineFloorNanos,
    long slowRequestNanos,
    long skewNanos,
    double minExplainedFraction,
    long hostWideWindowNanos,
    int hostWideMinHops,
    int maxEvidencePerLink,
    String defaultHost) {

  /** Default slow-hop threshold: 250 ms of self time. */
  public static final long DEFAULT_SLOW_THRESHOLD_NANOS = 250_000_000L;

  /** Default clock-skew tolerance: 2 ms. */
  public static final long DEFAULT_SKEW_NANOS = 2_000_000L;

  /**
   * Validates ranges.
   *
   * @throws IllegalArgumentException naming the setting (e.g. {@code slowThresholdNanos}) and the
   *     value
   */
  public AnalyzerSettings {
    if (slowThresholdNanos <= 0) {
      throw new IllegalArgumentException(
          "slowThresholdNanos must be positive: " + slowThresholdNanos);
    }
    if (slowRequestNanos <= 0) {
      throw new IllegalArgumentException("slowRequestNanos must be positive: " + slowRequestNanos);
    }
    vertical(
        skewNanos,
        minExplainedFraction,
        hostWideWindowNanos,
        hostWideMinHops,
        maxEvidencePerLink,
        defaultHost);
  }

  /** The tunables of the vertical step, a part of these. */
  public VerticalStepSettings vertical() {
    return vertical(
        skewNanos,
        minExplainedFraction,
        hostWideWindowNanos,
        hostWideMinHops,
        maxEvidencePerLink,
        defaultHost);
  }

  private static VerticalStepSettings vertical(
      long skewNanos,
      double minExplainedFraction,
      long hostWideWindowNanos,
      int hostWideMinHops,
      int maxEvidencePerLink,
      String defaultHost) {
    return new VerticalStepSettings(
        skewNanos,
        minExplainedFraction,
        hostWideWindowNanos,
        hostWideMinHops,
        maxEvidencePerLink,
        defaultHost);
  }

  /** The defaults, with {@code unknown} as the default host. */
  public static AnalyzerSettings defaults() {
    return new AnalyzerSettings(
        DEFAULT_SLOW_THRESHOLD_NANOS,
        DEFAULT_SLOW_THRESHOLD_NANOS / 2,
        DEFAULT_SLOW_THRESHOLD_NANOS,
        DEFAULT_SKEW_NANOS,
        0.2,
        10_000_000_000L,
        2,
        10,
        "unknown");
  }

  /**
   * A copy with another slow threshold, the baseline floor at half of it and the slow-request
   * threshold equal to it (the default; {@link #withSlowRequest} after this sets another).
   */
  public AnalyzerSettings withSlowThreshold(long nanos) {
    return new AnalyzerSettings(
        nanos,
        nanos / 2,
        nanos,
        skewNanos,
        minExplainedFraction,
        hostWideWindowNanos,
        hostWideMinHops,
        maxEvidencePerLink,
        defaultHost);
  }

  /** A copy with another slow-request threshold (a root span's duration, nanoseconds). */
  public AnalyzerSettings withSlowRequest(long nanos) {
    return new AnalyzerSettings(
        slowThresholdNanos,
        baselineFloorNanos,
        nanos,
        skewNanos,
        minExplainedFraction,
        hostWideWindowNanos,
        hostWideMinHops,
        maxEvidencePerLink,
        defaultHost);
  }

  /** A copy with another skew tolerance. */
  public AnalyzerSettings withSkew(long nanos) {
    return new AnalyzerSettings(
        slowThresholdNanos,
        baselineFloorNanos,
        slowRequestNanos,
        nanos,
        minExplainedFraction,
        hostWideWindowNanos,
        hostWideMinHops,
        maxEvidencePerLink,
        defaultHost);
  }

  /** A copy with another default host. */
  public AnalyzerSettings withDefaultHost(String host) {
    return new AnalyzerSettings(
        slowThresholdNanos,
        baselineFloorNanos,
        slowRequestNanos,
        skewNanos,
        minExplainedFraction,
        hostWideWindowNanos,
        hostWideMinHops,
        maxEvidencePerLink,
        host);
  }
}
