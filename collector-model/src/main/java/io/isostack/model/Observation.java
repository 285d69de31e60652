package io.isostack.model;

/**
 * Whether an evidence family was observed for a slow span's host during its window (docs/EVENTS.md
 * "Coverage"). Thread-safe (an enum).
 */
public enum Observation {
  /** A producer of the family ran on the host during the whole window. */
  OBSERVED,
  /** A producer of the family ran on the host during part of the window only. */
  PARTIAL,
  /** No producer of the family ran on the host during the window, as far as the input shows. */
  NOT_OBSERVED;

  /** The name in reports: {@code observed}, {@code partial}, {@code not-observed}. */
  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
