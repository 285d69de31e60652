package io.isostack.correlator.score;

import java.util.Map;

/**
 * The score of one case.
 *
 * @param name the case
 * @param healthy whether it is a no-fault case
 * @param spans spans read
 * @param slowTraces traces whose root lasts at least the slow threshold and starts in the fault
 *     window
 * @param findings findings of the whole recording
 * @param kernelFindings findings naming a kernel layer (not {@code application}, not {@code
 *     unknown})
 * @param correct kernel-layer findings naming the expected layer, slice and cause
 * @param recalled slow traces with at least one correct finding
 * @param blamed on any case, kernel-layer findings that are not correct, by {@code layer cause}; on
 *     a healthy case every kernel-layer finding
 * @param rejected input records rejected by the readers
 * @param hostLoadFindings {@code host} findings naming the load the recording put on the host
 *     ({@link CaseTruth#hostLoadCauses()}): true of that load, so neither the fault's nor a blame,
 *     and not among {@code kernelFindings}
 */
public record CaseScore(
    String name,
    boolean healthy,
    int spans,
    int slowTraces,
    int findings,
    int kernelFindings,
    int correct,
    int recalled,
    Map<String, Integer> blamed,
    long rejected,
    int hostLoadFindings) {
  /** Copies the map. */
  public CaseScore {
    blamed = Map.copyOf(blamed);
  }

  /** Correct kernel-layer findings over all kernel-layer findings; NaN when there is none. */
  public double precision() {
    return kernelFindings == 0 ? Double.NaN : (double) correct / kernelFindings;
  }

  /** Slow traces with a correct finding over slow traces; NaN when there is no slow trace. */
  public double recall() {
    return slowTraces == 0 ? Double.NaN : (double) recalled / slowTraces;
  }
}
