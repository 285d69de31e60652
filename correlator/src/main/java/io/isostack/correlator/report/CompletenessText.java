package io.isostack.correlator.report;

import io.isostack.correlator.engine.Completeness;
import io.isostack.model.EvidenceFamily;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the completeness section of a report (docs/METHOD.md §6) for people, also alone as the
 * output of {@code analyze --check}. Stateless and thread-safe.
 */
public final class CompletenessText {
  private CompletenessText() {}

  /** Writes the section; the writer is flushed, not closed. */
  public static void render(Completeness c, PrintWriter out) {
    out.println("Completeness (docs/METHOD.md §6):");
    out.println("  traces: " + c.spans() + " spans in " + c.traces() + " traces");
    List<String> kernel = new ArrayList<>();
    for (Map.Entry<EvidenceFamily, Long> e : c.eventsByFamily().entrySet()) {
      if (e.getKey() != EvidenceFamily.LOGS && c.watched().contains(e.getKey())) {
        kernel.add(e.getKey().wire() + " " + e.getValue());
      }
    }
    out.println("  kernel events: " + (kernel.isEmpty() ? "none" : String.join(", ", kernel)));
    long logs = c.eventsByFamily().getOrDefault(EvidenceFamily.LOGS, 0L);
    out.println("  logs: " + (logs > 0 ? logs + " records" : "none"));
    out.println(
        "  metrics: not an input (findings go out as metrics with --otlp-endpoint,"
            + " docs/OTLP-EXPORT.md)");
    out.println(
        "  drill-down from trace id to kernel evidence: "
            + c.drilledDown()
            + " of "
            + c.slowHops()
            + " slow hops"
            + (c.unobserved() > 0 ? "; " + c.unobserved() + " not observed (unknown)" : ""));
    List<EvidenceFamily> add = c.toAdd();
    if (add.isEmpty()) {
      out.println("  to add: nothing, every evidence family was watched");
    } else {
      out.println("  to add:");
      for (EvidenceFamily f : add) {
        out.println("    " + f.wire() + ": " + f.producer());
      }
    }
    out.flush();
  }
}
