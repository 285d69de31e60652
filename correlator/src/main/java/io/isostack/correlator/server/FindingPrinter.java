package io.isostack.correlator.server;

import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.finding.Durations;
import io.isostack.correlator.finding.FindingText;
import io.isostack.correlator.report.JsonReportRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * Prints each live finding as it is published: in {@code text}, the verdict line then the trace and
 * span ids and the delay since the trace completed; in {@code json}, one object per line as {@code
 * JsonReportRenderer#renderLine} writes it. Thread-safe; flushes after each finding.
 */
public final class FindingPrinter implements Consumer<LiveFinding> {
  private final PrintWriter out;
  private final boolean json;
  private final JsonReportRenderer renderer = new JsonReportRenderer();

  /**
   * Creates a printer.
   *
   * @param out where to print
   * @param json one JSON object per line instead of text
   */
  public FindingPrinter(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  @Override
  public synchronized void accept(LiveFinding f) {
    if (json) {
      try {
        renderer.renderLine(f.finding(), out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    out.println(FindingText.verdict(f.finding()));
    out.println(
        "  trace "
            + f.finding().span().traceId()
            + " span "
            + f.finding().span().spanId()
            + ", published "
            + Durations.human(Math.max(0, f.delayNanos()))
            + " after the trace completed");
    String consumers = FindingText.otherConsumers(f.finding());
    if (!consumers.isEmpty()) {
      out.println("  " + consumers);
    }
    out.flush();
  }
}
