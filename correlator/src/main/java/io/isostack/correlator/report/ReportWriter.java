package io.isostack.correlator.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a report to a file in the format its name asks for. Stateless. */
public final class ReportWriter {
  private ReportWriter() {}

  /**
   * Writes the report: JSON when the file name ends in {@code .json}, else the HTML page.
   *
   * @throws IOException if the file cannot be written
   */
  public static void write(AnalysisReport report, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      if (file.getFileName().toString().endsWith(".json")) {
        new JsonReportRenderer().render(report, w);
      } else {
        new HtmlReportRenderer().render(report, w);
      }
    }
  }
}
