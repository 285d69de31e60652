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
 *     unknown}) whose span starts in the fault window (on a healthy case, in the whole recording)
 * @param correct kernel-layer findings naming the expected layer, slice and cause
 * @param recalled slow traces with at least one correct finding
 * @param blamed on any case, kernel-layer findings that are not correct, by {@code layer cause}; on
 *     a healthy case every kernel-layer finding
 * @param rejected input records rejected by the readers
 * @param hostLoadFindings {@code host} findings naming the load the recording put on the host
 *     ({@link CaseTruth#hostLoadCauses()}): true of that load, so neither the fault's nor a blame,
 *     and not among {@code kernelFindings}
 * @param outsideWindow findings whose span starts before or after the fault window and that name
 *     the fault's layer and cause, by {@code layer cause}: shown, not scored (a span just before
 *     the induction may still meet its effects, e.g. an IOPS cap set up before the storm, or a CPU
 *     limit taken to hold {@code Coverage}'s 1 s tolerance before its first sample)
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
    int hostLoadFindings,
    Map<String, Integer> outsideWindow) {
  /** Copies the maps. */
  public CaseScore {
    blamed = Map.copyOf(blamed);
    outsideWindow = Map.copyOf(outsideWindow);
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
