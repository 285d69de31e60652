package io.isostack.correlator.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.InputSpec;
import io.isostack.correlator.engine.Analyzer;
import io.isostack.correlator.engine.AnalyzerOptions;
import io.isostack.correlator.ingest.InputLoader;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.SpanView;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The shipped sample cases analysed as the CLI does (as {@code SampleCasesTest.analyze}). */
final class HtmlSamples {
  static final Path DATA = Path.of("..", "samples", "data");

  private HtmlSamples() {}

  /** Traces first, then every events file of the case; the report the CLI would render. */
  static AnalysisReport analyze(String caseName) throws IOException {
    Path caseDir = DATA.resolve(caseName);
    InputSummary summary = new InputSummary();
    InputLoader loader = new InputLoader(new ClockConverter(), summary, line -> {});
    List<SpanView> spans = new ArrayList<>();
    loader.readTraces(InputSpec.parse(caseDir.resolve("traces.jsonl").toString()), spans::add);
    String host =
        spans.stream().map(SpanView::host).filter(h -> h != null).findFirst().orElse("unknown");
    Analyzer analyzer =
        new Analyzer(RuleTable.defaults(), AnalyzerOptions.defaults().withDefaultHost(host));
    spans.forEach(analyzer::addSpan);
    analyzer.finishSpans();
    try (Stream<Path> files = Files.list(caseDir)) {
      for (Path events :
          files.filter(p -> p.getFileName().toString().startsWith("events")).sorted().toList()) {
        loader.readEvents(InputSpec.parse(events.toString()), host, analyzer::addEvent);
      }
    }
    assertThat(summary.rejectedTotal()).as("rejected records in %s", caseDir).isZero();
    return new AnalysisReport(
        analyzer.findings(),
        summary,
        analyzer.traceCount(),
        analyzer.duplicateSpanCount(),
        analyzer.eventsIndexed(),
        analyzer.eventsOutsideWindows());
  }

  /** The page of a report, as a string. */
  static String html(AnalysisReport report) throws IOException {
    StringWriter out = new StringWriter();
    new HtmlReportRenderer().render(report, out);
    return out.toString();
  }
}
