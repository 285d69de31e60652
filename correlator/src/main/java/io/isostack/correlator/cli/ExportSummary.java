package io.isostack.correlator.cli;

import io.isostack.correlator.export.ExportOutcome;
import io.isostack.correlator.export.OtlpExportSettings;
import io.isostack.correlator.finding.Durations;
import java.time.Duration;

/** The one line that sums up a failed OTLP export of findings, for standard error. */
final class ExportSummary {
  private ExportSummary() {}

  /**
   * What failed, or null when every finding was delivered and no export failed.
   *
   * @param outcome read after the exporter closed
   * @param settings where it exported
   * @param timeout {@code --otlp-timeout}
   */
  static String describe(ExportOutcome outcome, OtlpExportSettings settings, Duration timeout) {
    long missing = outcome.findingsNotDelivered();
    long failures = outcome.failures();
    if (missing == 0 && failures == 0) {
      return null;
    }
    String where =
        settings.endpoint() == null ? "the OTEL_EXPORTER_OTLP_ENDPOINT" : settings.endpoint();
    StringBuilder b =
        new StringBuilder("OTLP export to ")
            .append(where)
            .append(" failed: ")
            .append(missing)
            .append(" of ")
            .append(outcome.findingsQueued())
            .append(" findings not delivered");
    if (failures > 0) {
      b.append("; failed exports: logs ")
          .append(outcome.failures(ExportOutcome.Signal.LOGS))
          .append(", metrics ")
          .append(outcome.failures(ExportOutcome.Signal.METRICS));
      long spans = outcome.failures(ExportOutcome.Signal.SPANS);
      if (spans > 0) {
        b.append(", spans ").append(spans);
      }
    }
    String reason = outcome.lastFailure();
    b.append(" (")
        .append(
            reason == null
                ? "not finished within --otlp-timeout " + Durations.human(timeout.toNanos())
                : reason)
        .append(')');
    return b.toString();
  }
}
