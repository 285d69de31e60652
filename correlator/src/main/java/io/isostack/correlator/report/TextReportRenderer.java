package io.isostack.correlator.report;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.Rejection;
import io.isostack.correlator.finding.ChainLink;
import io.isostack.correlator.finding.Durations;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.finding.FindingText;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes an {@link AnalysisReport} for people: a verdict line per slow hop, its evidence chain in
 * docs/METHOD.md §4 drill-down order, a few evidence events, then what was read. Stateless and
 * thread-safe.
 */
public final class TextReportRenderer {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
  private static final int EVIDENCE_LINES = 6;

  /** Writes the report; the writer is flushed, not closed. */
  public void render(AnalysisReport report, PrintWriter out) {
    List<Finding> findings = report.findings();
    if (findings.isEmpty()) {
      out.println("No slow hops: no span's self time is above the threshold or its baseline.");
    } else {
      out.println(summary(findings));
      out.println();
    }
    for (Finding f : findings) {
      finding(f, out);
      out.println();
    }
    input(report, out);
    if (report.completeness() != null) {
      out.println();
      CompletenessText.render(report.completeness(), out);
    }
    out.flush();
  }

  private static String summary(List<Finding> findings) {
    Map<String, Long> byVerdict =
        findings.stream()
            .collect(
                Collectors.groupingBy(
                    f -> FindingText.layerName(f.layer(), f.network()) + ", " + f.causeTitle(),
                    TreeMap::new,
                    Collectors.counting()));
    List<String> parts = new ArrayList<>();
    byVerdict.forEach((k, v) -> parts.add(v + " × " + k));
    return findings.size()
        + " slow hop"
        + (findings.size() == 1 ? "" : "s")
        + ": "
        + String.join("; ", parts);
  }

  private static void finding(Finding f, PrintWriter out) {
    SpanView s = f.span();
    out.println(FindingText.verdict(f));
    out.printf(
        Locale.ROOT,
        "  trace %s span %s, self time %s (%s%s)%s%n",
        s.traceId(),
        s.spanId(),
        Durations.human(f.selfNanos()),
        f.slowReason(),
        f.baselineNanos() >= 0 ? ", baseline " + Durations.human(f.baselineNanos()) : "",
        FindingText.requestClause(f));
    if (!f.coverage().isEmpty()) {
      out.println("  kernel " + FindingText.coverage(f));
    }
    String consumers = FindingText.otherConsumers(f);
    if (!consumers.isEmpty()) {
      out.println("  " + consumers);
    }
    if (!f.chain().isEmpty()) {
      out.println("  evidence chain (horizontal first, then L-3 → L-4 → L-2 → L-1 → L-0 → host):");
      int i = 1;
      for (ChainLink c : f.chain()) {
        out.printf(
            Locale.ROOT,
            "    %d. %s, %s: explains %s, %d event%s [%s]%n",
            i++,
            FindingText.layerName(c.layer(), c.network()),
            c.causeTitle(),
            Durations.human(c.explainedNanos()),
            c.eventCount(),
            c.eventCount() == 1 ? "" : "s",
            String.join(", ", c.signals()));
        out.println("       " + c.detail() + "  (docs/METHOD.md " + c.method() + ")");
      }
    }
    if (!f.evidence().isEmpty()) {
      out.println("  evidence:");
      for (Evidence e : f.evidence().subList(0, Math.min(EVIDENCE_LINES, f.evidence().size()))) {
        out.println("    " + evidenceLine(e));
      }
      if (f.evidence().size() > EVIDENCE_LINES) {
        out.println(
            "    … " + (f.evidence().size() - EVIDENCE_LINES) + " more (see --format json)");
      }
    }
    out.println("  what to do: " + f.remediation());
    for (String n : f.notes()) {
      out.println("  note: " + n);
    }
  }

  private static String evidenceLine(Evidence e) {
    KernelEvent k = e.event();
    StringBuilder b = new StringBuilder();
    b.append(TIME.format(Instant.ofEpochSecond(0, k.endEpochNanos()))).append(' ');
    b.append(k.name().wire()).append(' ').append(e.entity());
    if (k.hasDuration()) {
      b.append(' ').append(Durations.human(k.durNanos()));
    }
    if (!Double.isNaN(k.value())) {
      b.append(" value=")
          .append(
              k.value() == Math.rint(k.value())
                  ? Long.toString((long) k.value())
                  : Double.toString(k.value()));
      if (k.unit() != null && !k.unit().equals("1")) {
        b.append(' ').append(k.unit());
      }
    }
    b.append(" via ").append(e.join());
    if (k.source() != null) {
      b.append(" from ").append(k.source());
    }
    return b.toString();
  }

  /**
   * {@code Clocks: boottime on node-1 from clock.sync (1 µs resolution); joins tolerate ±2 ms
   * (--skew).}, or empty when nothing was recorded.
   */
  private static String clocks(InputSummary in) {
    if (in.skewNanos() < 0) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (ClockConverter.Conversion c : in.clockConversions()) {
      parts.add(
          c.domain().wire()
              + (c.host() != null
                  ? " on "
                      + c.host()
                      + " from clock.sync ("
                      + Durations.human(c.resolutionNanos())
                      + " resolution)"
                  : " from --clock-offset"));
    }
    return "Clocks: "
        + (parts.isEmpty() ? "every event in realtime" : String.join(", ", parts))
        + "; joins tolerate ±"
        + Durations.human(in.skewNanos())
        + " (--skew).";
  }

  private static void input(AnalysisReport r, PrintWriter out) {
    InputSummary in = r.input();
    out.printf(
        Locale.ROOT,
        "Read %d spans in %d traces (%d repeated), %d kernel events (%d near slow hops).%n",
        in.spanTotal(),
        r.traces(),
        r.duplicateSpans(),
        in.eventTotal(),
        r.eventsIndexed());
    if (in.lostTotal() > 0) {
      out.println("Producers lost " + in.lostTotal() + " events: " + in.lostBySource());
    }
    String clocks = clocks(in);
    if (!clocks.isEmpty()) {
      out.println(clocks);
    }
    if (in.rejectedTotal() > 0) {
      out.println("Rejected " + in.rejectedTotal() + " records: " + in.rejectedByReason());
      for (Rejection x : in.rejectedExamples()) {
        out.println("  " + x);
      }
    }
    if (in.skippedTotal() > 0) {
      out.println(
          "Skipped "
              + in.skippedTotal()
              + " records that carry no evidence: "
              + in.skippedByReason());
    }
    for (String u : in.unreadable()) {
      out.println("Could not read " + u);
    }
  }
}
