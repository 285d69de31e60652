package io.isostack.correlator.report;

import io.isostack.correlator.testing.SampleCases;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;

/** The shipped sample cases analysed as the CLI does, and their pages. */
final class HtmlSamples {
  static final Path DATA = SampleCases.DATA;

  private HtmlSamples() {}

  /** The report the CLI would render for a shipped case. */
  static AnalysisReport analyze(String caseName) throws IOException {
    return SampleCases.analyze(DATA.resolve(caseName));
  }

  /** The page of a report, as a string. */
  static String html(AnalysisReport report) throws IOException {
    StringWriter out = new StringWriter();
    new HtmlReportRenderer().render(report, out);
    return out.toString();
  }
}
