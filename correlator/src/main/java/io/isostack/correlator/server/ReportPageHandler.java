package io.isostack.correlator.server;

import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.receiver.HttpResponses;
import io.isostack.correlator.report.HtmlPage;
import io.isostack.correlator.report.HtmlReportRenderer;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * With {@code --api}, {@code GET /}: the HTML report page ({@link HtmlReportRenderer}) of the live
 * engine's recent findings, newest first ({@code ?limit=N}, default {@value #DEFAULT_LIMIT}),
 * reloading itself every {@value #REFRESH_SECONDS} s. Other paths, or {@code /} without {@code
 * --api}, are left to the next handler. Thread-safe.
 */
final class ReportPageHandler extends Handler.Abstract {
  static final int DEFAULT_LIMIT = 20;
  static final int REFRESH_SECONDS = 5;
  private static final HtmlReportRenderer RENDERER = new HtmlReportRenderer();

  private final LiveAnalyzer engine;
  private final boolean api;

  ReportPageHandler(LiveAnalyzer engine, boolean api) {
    this.engine = engine;
    this.api = api;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws IOException {
    if (!api || !Request.getPathInContext(request).equals("/")) {
      return false;
    }
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put("Allow", "GET, HEAD");
      HttpResponses.text(response, callback, 405, "/ accepts GET only");
      return true;
    }
    Fields query = Request.extractQueryParameters(request);
    String limit = query.getValue("limit");
    int max;
    try {
      max = limit == null ? DEFAULT_LIMIT : Integer.parseInt(limit);
      if (max < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      HttpResponses.text(response, callback, 400, "limit must be a non-negative integer");
      return true;
    }
    StringWriter page = new StringWriter();
    RENDERER.render(
        HtmlPage.live(engine.recentFindings(max), engine.stats(), REFRESH_SECONDS), page);
    response.getHeaders().put("Cache-Control", "no-store");
    HttpResponses.send(
        response,
        callback,
        200,
        "text/html; charset=utf-8",
        page.toString().getBytes(StandardCharsets.UTF_8));
    return true;
  }
}
