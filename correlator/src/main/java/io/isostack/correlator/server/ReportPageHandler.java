package io.isostack.correlator.server;

import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.receiver.HttpResponses;
import io.isostack.correlator.report.HtmlPage;
import io.isostack.correlator.report.HtmlReportRenderer;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
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
    response.getHeaders().put("Content-Security-Policy", contentSecurityPolicy(page.toString()));
    HttpResponses.send(
        response,
        callback,
        200,
        "text/html; charset=utf-8",
        page.toString().getBytes(StandardCharsets.UTF_8));
    return true;
  }

  /**
   * The page's policy: nothing from elsewhere (no fetch, form, frame, base or plugin), its own
   * inline scripts by their SHA-256 only, inline styles (the report colours its layers with {@code
   * style} attributes), images from {@code data:} only.
   */
  static String contentSecurityPolicy(String html) {
    StringBuilder scripts = new StringBuilder();
    int from = 0;
    while (true) {
      int open = html.indexOf("<script>", from);
      if (open < 0) {
        break;
      }
      int close = html.indexOf("</script>", open);
      if (close < 0) {
        break;
      }
      String body = html.substring(open + "<script>".length(), close);
      try {
        byte[] digest =
            MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
        scripts.append(" 'sha256-").append(Base64.getEncoder().encodeToString(digest)).append('\'');
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required of every JVM", e);
      }
      from = close;
    }
    return "default-src 'none'; script-src"
        + (scripts.length() == 0 ? " 'none'" : scripts)
        + "; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; form-action 'none';"
        + " frame-ancestors 'none'; base-uri 'none'";
  }
}
