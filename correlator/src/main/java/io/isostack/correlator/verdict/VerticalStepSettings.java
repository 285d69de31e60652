package io.isostack.correlator.verdict;

/**
 * Tunables of the vertical step (docs/METHOD.md §4): how kernel events are joined to a slow span's
 * window and when they make a kernel verdict. Times are nanoseconds.
 *
 * @param skewNanos clock-skew tolerance added on both sides of a span's window when joining kernel
 *     events
 * @param minExplainedFraction fraction of the self time the top cause must explain for a kernel
 *     verdict; below it the verdict is {@code application}
 * @param hostWideWindowNanos how close in time other slow spans on the same host must be for
 *     host-wide evidence to join
 * @param hostWideMinHops how many slow spans on one host within that window make host-level
 *     evidence (block devices, NIC counters) join every one of them
 * @param maxEvidencePerLink the most events kept per chain link in a finding
 * @param defaultHost the host of spans and events that carry no {@code host.name}
 */
public record VerticalStepSettings(
    long skewNanos,
    double minExplainedFraction,
    long hostWideWindowNanos,
    int hostWideMinHops,
    int maxEvidencePerLink,
    String defaultHost) {

  /**
   * Validates ranges.
   *
   * @throws IllegalArgumentException naming the setting and the value
   */
  public VerticalStepSettings {
    if (skewNanos < 0) {
      throw new IllegalArgumentException("skewNanos must not be negative: " + skewNanos);
    }
    if (minExplainedFraction < 0 || minExplainedFraction > 1) {
      throw new IllegalArgumentException(
          "minExplainedFraction must be in 0..1: " + minExplainedFraction);
    }
    if (defaultHost == null || defaultHost.isBlank()) {
      throw new IllegalArgumentException("defaultHost must not be blank");
    }
  }
}
