package io.isostack.correlator.score;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders case scores as a Markdown table, one row per case. Stateless. */
public final class ScoreTable {
  private ScoreTable() {}

  /** The table, header first, each line ending with a newline. */
  public static String render(List<CaseScore> scores) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| case | slow traces | findings | kernel-layer findings | precision | recall |"
            + " blamed elsewhere (kernel layers) | the induced host load |\n");
    b.append("|---|---:|---:|---:|---:|---:|---|---|\n");
    for (CaseScore s : scores) {
      b.append("| `")
          .append(s.name())
          .append("` | ")
          .append(s.slowTraces())
          .append(" | ")
          .append(s.findings())
          .append(" | ")
          .append(s.kernelFindings())
          .append(" | ")
          .append(s.healthy() ? "—" : ratio(s.precision()))
          .append(" | ")
          .append(s.healthy() ? "—" : ratio(s.recall()))
          .append(" | ")
          .append(
              s.blamed().isEmpty()
                  ? "none"
                  : s.blamed().entrySet().stream()
                      .sorted(java.util.Map.Entry.comparingByKey())
                      .map(e -> e.getValue() + " × " + e.getKey())
                      .collect(Collectors.joining(", ")))
          .append(" | ")
          .append(s.hostLoadFindings() == 0 ? "—" : s.hostLoadFindings() + " × host")
          .append(" |\n");
    }
    return b.toString();
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2f", r);
  }
}
