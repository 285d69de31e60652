package io.isostack.correlator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.correlator.engine.Analyzer;
import io.isostack.correlator.receiver.InputLoader;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.report.AnalysisReport;
import io.isostack.correlator.score.CorpusScorer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;

/** The shipped sample cases ({@code samples/data/<case>}) analysed as the CLI does. */
public final class SampleCases {
  /** The cases' directory, relative to the correlator module where the tests run. */
  public static final Path DATA = Path.of("..", "samples", "data");

  private SampleCases() {}

  /**
   * Traces first, then every {@code events*} file of the case; no record may be rejected.
   *
   * @param caseDir the case's directory
   * @return the report the CLI would render
   */
  public static AnalysisReport analyze(Path caseDir) throws IOException {
    InputSummary summary = new InputSummary();
    InputLoader loader = new InputLoader(new ClockConverter(), summary, line -> {});
    Analyzer analyzer = CorpusScorer.analyze(caseDir, loader, new ArrayList<>());
    assertThat(summary.rejectedTotal()).as("rejected records in %s", caseDir).isZero();
    assertThat(summary.unreadable()).isEmpty();
    return new AnalysisReport(
        analyzer.findings(),
        summary,
        analyzer.traceCount(),
        analyzer.duplicateSpanCount(),
        analyzer.eventsIndexed(),
        analyzer.eventsOutsideWindows());
  }
}
