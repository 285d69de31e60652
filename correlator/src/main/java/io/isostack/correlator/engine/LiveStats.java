package io.isostack.correlator.engine;

import java.util.Map;

/**
 * Counters of live correlation, read at one moment.
 *
 * @param spansReceived spans accepted into the engine
 * @param eventsReceived kernel events taken into the window (late ones are not)
 * @param batchesRefused batches refused because the engine's queue was full (clients retry)
 * @param spansLate spans that arrived after their trace was evaluated
 * @param eventsLate events older than the retention when they arrived, dropped
 * @param eventsEvicted events evicted from the window as it moved on
 * @param tracesEvicted traces evicted before completion because too many were buffered
 * @param tracesEvaluated traces evaluated
 * @param activeTraces traces buffered now
 * @param eventsHeld events in the window now
 * @param findingsByLayer findings published, per layer code
 * @param spansOverCap spans dropped because their trace had reached the span cap ({@code
 *     trace-span-cap})
 * @param eventsShed events evicted from the window before their retention because memory was short
 * @param hostsEvicted hosts whose directory state was forgotten (silent past the retention, or over
 *     the process cap)
 * @param batchesRefusedForMemory batches refused because memory was above the soft limit (part of
 *     {@code batchesRefused})
 * @param batchesRefusedForTraces batches refused because the trace buffer was 90 % full (part of
 *     {@code batchesRefused})
 * @param spansEvaluated spans of the traces evaluated; with the drops below it accounts for every
 *     span received: {@code spansReceived = spansEvaluated + spansLate + spansOverCap +
 *     spansDuplicate + spansEvicted +} spans held in open traces
 * @param spansDuplicate spans dropped because their trace already held one of the same id (a
 *     resend)
 * @param spansEvicted spans of the traces evicted before completion ({@code tracesEvicted})
 */
public record LiveStats(
    long spansReceived,
    long eventsReceived,
    long batchesRefused,
    long spansLate,
    long eventsLate,
    long eventsEvicted,
    long tracesEvicted,
    long tracesEvaluated,
    int activeTraces,
    long eventsHeld,
    Map<String, Long> findingsByLayer,
    long spansOverCap,
    long eventsShed,
    long hostsEvicted,
    long batchesRefusedForMemory,
    long batchesRefusedForTraces,
    long spansEvaluated,
    long spansDuplicate,
    long spansEvicted) {

  /** Copies the map. */
  public LiveStats {
    findingsByLayer = Map.copyOf(findingsByLayer);
  }
}
