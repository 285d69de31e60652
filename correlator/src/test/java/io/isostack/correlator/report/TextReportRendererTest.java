package io.isostack.correlator.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.finding.FindingText;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TextReportRendererTest {

  private static String render(AnalysisReport report) {
    StringWriter out = new StringWriter();
    new TextReportRenderer().render(report, new PrintWriter(out));
    return out.toString();
  }

  @Test
  void verdictLineNamesPathDurationLayerCauseDetailAndConfidence() {
    AnalysisReport report = ReportFixtures.throttledCheckout();

    assertThat(FindingText.verdict(report.findings().get(0)))
        .matches(
            "frontend GET /checkout → backend GET /pay 1\\.41 s: L-3 container, CPU throttling"
                + " \\(.+\\), confidence 0\\.9\\d")
        .contains("(cgroup /demo-backend throttled 1.3 s of the span)");
  }

  @Test
  void verdictLineOfARootSpanHasNoArrow() {
    String verdict = FindingText.verdict(ReportFixtures.throttledCheckout().findings().get(1));

    assertThat(verdict)
        .startsWith("api GET /report 600 ms: application, time in the application (");
    assertThat(verdict).doesNotContain("→");
  }

  @Test
  void reportPrintsEachVerdictLine() {
    AnalysisReport report = ReportFixtures.throttledCheckout();
    String text = render(report);

    assertThat(text).startsWith("2 slow hops: ");
    assertThat(text.lines())
        .contains(
            FindingText.verdict(report.findings().get(0)),
            FindingText.verdict(report.findings().get(1)));
  }

  @Test
  void secondLineSaysHowMuchOfTheSlowRequestTheHopHolds() {
    String text = render(ReportFixtures.throttledCheckout());

    assertThat(text)
        .contains("self time 1.41 s (threshold), 94 % of the 1.5 s request")
        .contains("self time 600 ms (threshold), 100 % of the 600 ms request");
  }

  @Test
  void reportListsRejectedRecordsWithFileLineAndReason() {
    String text = render(ReportFixtures.throttledCheckout());

    assertThat(text).contains("Rejected 1 records");
    assertThat(text).contains("traces.jsonl:2: invalid-id: traceId is not 32 hex characters");
  }

  @Test
  void cpuSaturationFindingHasALineNamingTheTopOtherConsumers() {
    String text = render(ReportFixtures.saturatedNode());

    assertThat(text)
        .contains(
            "\n  top other consumers: stress-ng (pid 7001) 500 ms in 1 wait, backup (pid 8002)"
                + " 200 ms in 1 wait\n");
  }

  @Test
  void reportWithoutSlowHopsSaysSo() {
    assertThat(render(ReportFixtures.empty())).startsWith("No slow hops");
  }
}
