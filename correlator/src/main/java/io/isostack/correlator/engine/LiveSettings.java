package io.isostack.correlator.engine;

import java.util.Objects;

/**
 * Tunables of live correlation ({@code correlator serve}). Times are nanoseconds.
 *
 * @param analysis the tunables shared with offline analysis (threshold, skew, scoring)
 * @param traceIdleNanos a trace is complete when its root span has ended and no span of it arrived
 *     for this long; default 500 ms
 * @param traceTimeoutNanos a trace whose root never arrives is evaluated as broken after no span of
 *     it arrived for this long; default 30 s
 * @param eventLatenessNanos how late kernel events may arrive (per-CPU buffers, sampler intervals):
 *     a complete trace waits at most this long for them; default 300 ms
 * @param retentionNanos how far behind the newest event time events are kept for joins; older
 *     events are evicted (and counted), later arrivals older than this are dropped as late; default
 *     120 s
 * @param maxTraces the most traces buffered at once; beyond it the oldest is evicted; default 100
 *     000
 * @param queueCapacity the most batches waiting for the engine thread; a receiver whose batch does
 *     not fit tells its client to retry later; default 10 000
 * @param findingsKept how many recent findings {@code GET /api/findings} can show; default 1 000
 */
public record LiveSettings(
    AnalyzerSettings analysis,
    long traceIdleNanos,
    long traceTimeoutNanos,
    long eventLatenessNanos,
    long retentionNanos,
    int maxTraces,
    int queueCapacity,
    int findingsKept) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the setting (e.g. {@code traceIdleNanos}) and the value
   */
  public LiveSettings {
    Objects.requireNonNull(analysis, "analysis");
    if (traceIdleNanos <= 0) {
      throw new IllegalArgumentException("traceIdleNanos must be positive: " + traceIdleNanos);
    }
    if (traceTimeoutNanos < traceIdleNanos) {
      throw new IllegalArgumentException(
          "traceTimeoutNanos must be at least traceIdleNanos: "
              + traceTimeoutNanos
              + " < "
              + traceIdleNanos);
    }
    if (eventLatenessNanos < 0) {
      throw new IllegalArgumentException(
          "eventLatenessNanos must not be negative: " + eventLatenessNanos);
    }
    if (retentionNanos <= eventLatenessNanos) {
      throw new IllegalArgumentException(
          "retentionNanos must exceed eventLatenessNanos: "
              + retentionNanos
              + " <= "
              + eventLatenessNanos);
    }
    if (maxTraces <= 0 || queueCapacity <= 0 || findingsKept <= 0) {
      throw new IllegalArgumentException("maxTraces, queueCapacity, findingsKept must be positive");
    }
  }

  /** The defaults around the given analysis options. */
  public static LiveSettings defaults(AnalyzerSettings analysis) {
    return new LiveSettings(
        analysis,
        500_000_000L,
        30_000_000_000L,
        300_000_000L,
        120_000_000_000L,
        100_000,
        10_000,
        1_000);
  }
}
