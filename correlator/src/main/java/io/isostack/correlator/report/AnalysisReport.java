package io.isostack.correlator.report;

import io.isostack.correlator.engine.Completeness;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.receiver.InputSummary;
import java.util.List;
import java.util.Objects;

/**
 * Everything an analysis produced: its findings and what it read.
 *
 * @param findings one per slow hop, largest explained time first
 * @param input what was read and rejected
 * @param traces traces assembled
 * @param duplicateSpans spans ignored as repeats
 * @param eventsIndexed kernel events kept near slow hops
 * @param eventsOutsideWindows kernel events that overlapped no slow hop on their host
 * @param completeness which signals the input held and how far each slow span could be followed
 *     (docs/METHOD.md §6), or null when not computed
 */
public record AnalysisReport(
    List<Finding> findings,
    InputSummary input,
    int traces,
    long duplicateSpans,
    long eventsIndexed,
    long eventsOutsideWindows,
    Completeness completeness) {

  /** Validates and copies. */
  public AnalysisReport {
    findings = List.copyOf(findings);
    Objects.requireNonNull(input, "input");
  }

  /** A report without its completeness section. */
  public AnalysisReport(
      List<Finding> findings,
      InputSummary input,
      int traces,
      long duplicateSpans,
      long eventsIndexed,
      long eventsOutsideWindows) {
    this(findings, input, traces, duplicateSpans, eventsIndexed, eventsOutsideWindows, null);
  }
}
