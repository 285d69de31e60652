package io.isostack.correlator.rules;

/** How a matched event turns into explained span time. */
public enum Weight {
  /**
   * The overlap of the event's interval {@code [time_ns - dur_ns, time_ns]} with the span's self
   * time; for a sampled event with {@code attrs.interval_ns} longer than {@code dur_ns} (a {@code
   * cpu.stat} sampler), {@code dur_ns} spread evenly over the sampling interval.
   */
  INTERVAL,
  /** A fixed amount per event ({@code instantNanos}), when the event lies in the self time. */
  INSTANT,
  /** Corroborating evidence only: it explains no time by itself but raises confidence. */
  NONE
}
