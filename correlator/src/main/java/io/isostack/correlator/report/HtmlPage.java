package io.isostack.correlator.report;

import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveStats;
import io.isostack.correlator.finding.Durations;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.receiver.InputSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one HTML report page shows: a title, a few lines about what was analysed, the findings and
 * an optional caption per finding. Built from an offline {@link AnalysisReport} or from the live
 * engine's recent findings.
 *
 * @param title the page's heading
 * @param about plain-text lines describing what was analysed (escaped when rendered)
 * @param findings the findings, in the order shown
 * @param captions one plain-text caption per finding (e.g. when it was published), or empty
 * @param refreshSeconds reload the page every this many seconds; 0 never
 */
public record HtmlPage(
    String title,
    List<String> about,
    List<Finding> findings,
    List<String> captions,
    int refreshSeconds) {

  /** Validates and copies. */
  public HtmlPage {
    Objects.requireNonNull(title, "title");
    about = List.copyOf(about);
    findings = List.copyOf(findings);
    captions = List.copyOf(captions);
    if (!captions.isEmpty() && captions.size() != findings.size()) {
      throw new IllegalArgumentException(
          "captions: " + captions.size() + " for " + findings.size() + " findings");
    }
    if (refreshSeconds < 0) {
      throw new IllegalArgumentException("refreshSeconds is negative: " + refreshSeconds);
    }
  }

  /** The page of an offline analysis: what was read, rejected and lost, then every finding. */
  public static HtmlPage of(AnalysisReport r) {
    InputSummary in = r.input();
    List<String> about = new ArrayList<>();
    about.add(
        "Spans: "
            + in.spanTotal()
            + " in "
            + r.traces()
            + " traces ("
            + r.duplicateSpans()
            + " repeated)"
            + sources(in.spansBySource()));
    about.add(
        "Kernel events: "
            + in.eventTotal()
            + " ("
            + r.eventsIndexed()
            + " near slow hops, "
            + r.eventsOutsideWindows()
            + " outside them)"
            + sources(in.eventsBySource()));
    if (in.rejectedTotal() > 0) {
      about.add("Rejected records: " + in.rejectedTotal() + " " + in.rejectedByReason());
    }
    if (in.lostTotal() > 0) {
      about.add("Events lost by producers: " + in.lostTotal() + " " + in.lostBySource());
    }
    for (String u : in.unreadable()) {
      about.add("Could not read " + u);
    }
    return new HtmlPage("correlator analyze", about, r.findings(), List.of(), 0);
  }

  /**
   * The page of {@code correlator serve}: the engine's counters, then its recent findings, each
   * captioned with when it was published.
   *
   * @param recent newest first, as {@code LiveAnalyzer.recentFindings} returns them
   * @param stats the engine's counters
   * @param refreshSeconds how often the browser reloads the page
   */
  public static HtmlPage live(List<LiveFinding> recent, LiveStats stats, int refreshSeconds) {
    List<String> about = new ArrayList<>();
    about.add(
        "Live: the last "
            + recent.size()
            + " finding"
            + (recent.size() == 1 ? "" : "s")
            + ", newest first"
            + (refreshSeconds > 0 ? "; this page reloads every " + refreshSeconds + " s" : ""));
    about.add(
        "Received "
            + stats.spansReceived()
            + " spans and "
            + stats.eventsReceived()
            + " kernel events; "
            + stats.tracesEvaluated()
            + " traces evaluated, "
            + stats.activeTraces()
            + " buffered, "
            + stats.eventsHeld()
            + " events held");
    if (!stats.findingsByLayer().isEmpty()) {
      about.add("Findings so far by layer: " + new TreeMap<>(stats.findingsByLayer()));
    }
    List<Finding> findings = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    for (LiveFinding f : recent) {
      findings.add(f.finding());
      captions.add(
          "published "
              + Html.dateTime(f.publishedEpochNanos())
              + ", "
              + Durations.human(f.delayNanos())
              + " after its trace completed");
    }
    return new HtmlPage("correlator serve", about, findings, captions, refreshSeconds);
  }

  private static String sources(Map<String, Long> bySource) {
    if (bySource.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    bySource.forEach((k, v) -> parts.add(k + " (" + v + ")"));
    return " from " + String.join(", ", parts);
  }
}
