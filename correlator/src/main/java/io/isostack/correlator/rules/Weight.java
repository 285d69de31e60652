package io.isostack.correlator.rules;

/** How a matched event turns into explained span time. */
public enum Weight {
  /**
   * The overlap of the event's interval {@code [time_ns - dur_ns, time_ns]} with the span's self
   * time; for a sampled event with {@code attrs.interval_ns} (a {@code cpu.stat} sampler), {@code
   * dur_ns} (capped at the interval) spread evenly over the sampling interval ending at {@code
   * time_ns}.
   */
  INTERVAL,
  /** A fixed amount per event ({@code instantNanos}), when the event lies in the self time. */
  INSTANT,
  /**
   * An instant event that stands for a wait ending at it: the time since the previous event of the
   * same rule on the same 5-tuple when that is at most {@code backoffMaxNanos} (consecutive
   * retransmits of one segment are one RTO apart and the RTO doubles, RFC 6298 §5.5), else {@code
   * instantNanos} (TCP_RTO_MIN for a first retransmit). The waits are then counted like intervals.
   */
  BACKOFF,
  /**
   * A log line (docs/METHOD.md §3.1): explains {@code instantNanos} of the self time when it was
   * written on the span's entity or host within the span's window, like {@link #INSTANT}; a verdict
   * decided by log lines alone gets a lower confidence than one decided by kernel intervals ({@code
   * LOG_CONFIDENCE_FACTOR} of the vertical step), since a keyword says what failed but not how long
   * it took.
   */
  LOG,
  /** Corroborating evidence only: it explains no time by itself but raises confidence. */
  NONE
}
