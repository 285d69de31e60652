package io.isostack.correlator.engine;

import io.isostack.correlator.finding.Finding;
import java.util.Objects;

/**
 * A finding published by live correlation, with when its trace completed and when it was published.
 *
 * @param finding the finding
 * @param traceCompletedEpochNanos when the trace became complete: its last span's arrival plus the
 *     idle time (wall clock, nanoseconds since the Unix epoch)
 * @param publishedEpochNanos when the finding was published (wall clock, nanoseconds since the Unix
 *     epoch)
 */
public record LiveFinding(
    Finding finding, long traceCompletedEpochNanos, long publishedEpochNanos) {
  /** Validates: the finding is required. */
  public LiveFinding {
    Objects.requireNonNull(finding, "finding");
  }

  /** Delay from trace completion to publication, nanoseconds. */
  public long delayNanos() {
    return publishedEpochNanos - traceCompletedEpochNanos;
  }
}
