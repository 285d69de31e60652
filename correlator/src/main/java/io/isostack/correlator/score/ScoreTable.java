package io.isostack.correlator.score;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders case scores as a Markdown table, one row per case. Stateless. */
public final class ScoreTable {
  private ScoreTable() {}

  /** The table, header first, each line ending with a newline. */
  public static String render(List<CaseScore> scores) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| case | slow traces | findings | kernel-layer findings | precision | recall |"
            + " blamed elsewhere (kernel layers) | the induced host load |"
            + " the fault named outside its window |\n");
    b.append("|---|---:|---:|---:|---:|---:|---|---|---|\n");
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
          .append(counts(s.blamed(), "none"))
          .append(" | ")
          .append(s.hostLoadFindings() == 0 ? "—" : s.hostLoadFindings() + " × host")
          .append(" | ")
          .append(counts(s.outsideWindow(), s.healthy() ? "—" : "none"))
          .append(" |\n");
    }
    return b.toString();
  }

  private static String counts(Map<String, Integer> byKey, String none) {
    return byKey.isEmpty()
        ? none
        : byKey.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> e.getValue() + " × " + e.getKey())
            .collect(Collectors.joining(", "));
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2f", r);
  }
}
