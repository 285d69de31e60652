package io.isostack.correlator.report;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.engine.Analyzer;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.EventName;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanKind;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportRendererTest {
  private static final List<String> LANE_ORDER =
      List.of("L-4", "L-3", "L-2", "L-1", "L-0", "host", "application");

  @Test
  void everyFindingHasOneLanePerLayerFromTheSandboxDownToTheHost() throws IOException {
    AnalysisReport report = HtmlSamples.analyze("real-cpu-throttle");
    String html = HtmlSamples.html(report);

    int n = report.findings().size();
    assertThat(n).isGreaterThan(1);
    assertThat(count(html, "<svg class=\"two-axis\"")).isEqualTo(n);
    for (String lane : LANE_ORDER) {
      assertThat(count(html, "data-lane=\"" + lane + "\"")).as("lanes %s", lane).isEqualTo(n);
    }
    String first = section(html, 1);
    int at = -1;
    for (String lane : LANE_ORDER) {
      int next = first.indexOf("data-lane=\"" + lane + "\"");
      assertThat(next).as("lane %s below the one above", lane).isGreaterThan(at);
      at = next;
    }
  }

  @Test
  void theSlowHopIsHighlightedBelowItsAncestorsAndTheVerdictLaneIsMarked() throws IOException {
    AnalysisReport report = HtmlSamples.analyze("real-cpu-throttle");
    Finding f = report.findings().get(0);
    String first = section(HtmlSamples.html(report), 1);

    assertThat(count(first, "class=\"span-row\"")).isEqualTo(f.path().size() - 1);
    assertThat(count(first, "class=\"span-row slow\"")).isEqualTo(1);
    assertThat(first)
        .contains("<g class=\"span-row slow\" data-span-id=\"" + f.span().spanId() + "\">")
        .contains("<rect class=\"span-bar slow\"")
        .contains("<rect class=\"crossing\"")
        .contains("<g class=\"lane verdict\" data-lane=\"L-3\">");
    assertThat(count(first, "class=\"lane verdict\"")).isEqualTo(1);
    assertThat(first.indexOf("data-span-id=\"" + f.path().get(0).spanId() + "\""))
        .isLessThan(first.indexOf("data-span-id=\"" + f.span().spanId() + "\""));
  }

  @Test
  void theVerdictChainAndRemediationAreShownForEachFinding() throws IOException {
    AnalysisReport report = HtmlSamples.analyze("cpu-throttle-chain");
    String html = HtmlSamples.html(report);
    Finding f = report.findings().get(0);
    String first = section(html, 1);

    assertThat(first)
        .contains("L-3 container, CPU throttling (" + Html.esc(f.detail()) + "), confidence 0.99")
        .contains(Html.esc(f.remediation()))
        .contains("docs/METHOD.md " + Html.esc(f.method()))
        .contains("L-2 paravirtualization network slice");
    assertThat(count(first, "<li style=")).isEqualTo(f.chain().size());
    assertThat(count(first, "<tr><td class=\"num\">")).isEqualTo(f.evidence().size());
    assertThat(first).as("network-slice events are hatched").contains("url(#net-L2)");
    assertThat(html).contains("id=\"net-L2\"").contains("<a href=\"#f1\">");
    assertThat(html)
        .as("the application verdicts mark the application row")
        .contains("<g class=\"lane app verdict\" data-lane=\"application\">");
    assertThat(html).contains(report.findings().size() + " slow hops");
  }

  @Test
  void theVerdictCardSaysHowMuchOfItsSlowRequestTheHopHolds() throws IOException {
    AnalysisReport report = HtmlSamples.analyze("real-cpu-throttle");
    Finding f = report.findings().get(0);
    String first = section(HtmlSamples.html(report), 1);

    assertThat(f.inSlowRequest()).isTrue();
    assertThat(first)
        .contains("<dt>share of the request</dt>")
        .contains(
            Math.round(f.requestShare() * 100)
                + " % of the "
                + Html.duration(f.requestNanos())
                + " request (its self time on the critical path)");
  }

  @Test
  void theVerdictCardOfACpuSaturationNamesTheOtherConsumers() throws IOException {
    String first = section(HtmlSamples.html(ReportFixtures.saturatedNode()), 1);

    assertThat(first)
        .contains("<dt>other CPU consumers</dt>")
        .contains("top other consumers: stress-ng (pid 7001) 500 ms in 1 wait");
  }

  @Test
  void thePageIsSelfContained() throws IOException {
    String html = HtmlSamples.html(HtmlSamples.analyze("cpu-throttle-chain"));

    assertThat(html).doesNotContain("://").doesNotContain("<link").doesNotContain("@import");
    assertThat(html).doesNotContain(" src=").doesNotContain("http-equiv");
    assertThat(count(html, "<script")).isEqualTo(1);
    assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
  }

  @Test
  void everyStringFromTheDataIsEscaped() throws IOException {
    Analyzer analyzer =
        new Analyzer(RuleTable.defaults(), AnalyzerSettings.defaults().withDefaultHost("node-1"));
    analyzer.addSpan(
        span(1)
            .op("<script>alert(1)</script>", "GET /a?x=\"'&y", SpanKind.SERVER)
            .pid(4242)
            .at(0, 1500)
            .build());
    analyzer.finishSpans();
    analyzer.addEvent(
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .interval(ms(100), ms(1400))
            .task(4242, 4250, "<img src=x>")
            .source("<b>bpftrace</b>")
            .build());
    InputSummary summary = new InputSummary();
    summary.spans("<script>traces</script>.jsonl", 1);
    List<Finding> findings = analyzer.findings();
    assertThat(findings).hasSize(1);
    assertThat(findings.get(0).layer()).isEqualTo(IsolationLayer.HOST);

    String html = HtmlSamples.html(new AnalysisReport(findings, summary, 1, 0, 1, 0));

    assertThat(html)
        .doesNotContain("<script>alert")
        .doesNotContain("<script>traces")
        .doesNotContain("<img")
        .doesNotContain("<b>bpftrace")
        .doesNotContain("x=\"'&y")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("GET /a?x=&quot;&#39;&amp;y")
        .contains("&lt;img src=x&gt;")
        .contains("&lt;b&gt;bpftrace&lt;/b&gt;");
    assertThat(count(html, "<script")).isEqualTo(1);
  }

  @Test
  void noFindingsSaysNoSlowHops() throws IOException {
    String html = HtmlSamples.html(ReportFixtures.empty());

    assertThat(html).contains("<h2>No slow hops</h2>").doesNotContain("<svg class=\"two-axis\"");
    assertThat(html).contains("<title>correlator analyze \u2014 no slow hops</title>");
  }

  /** The text of finding {@code n}'s section. */
  static String section(String html, int n) {
    int start = html.indexOf("<section class=\"finding\" id=\"f" + n + "\"");
    assertThat(start).as("section of finding %d", n).isNotNegative();
    return html.substring(start, html.indexOf("</section>", start));
  }

  static int count(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int c = 0;
    while (m.find()) {
      c++;
    }
    return c;
  }
}
