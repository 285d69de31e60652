package io.isostack.correlator.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.receiver.EventProducer;
import io.isostack.correlator.receiver.HttpResponses;
import io.isostack.correlator.receiver.RejectTally;
import io.isostack.correlator.report.JsonReportRenderer;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The read-only API: {@code GET /healthz} always; with {@code --api}, {@code GET
 * /api/findings?limit=N} (the recent findings, newest first, each the object {@code analyze
 * --format json} writes plus {@code traceCompletedUnixNano} and {@code publishedUnixNano}) and
 * {@code GET /api/stats} (the engine's counters, rejections and skipped records by reason,
 * producers). Other paths are left to the next handler. Thread-safe.
 */
final class ApiHandler extends Handler.Abstract {
  static final int DEFAULT_LIMIT = 100;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final LiveAnalyzer engine;
  private final RejectTally rejects;
  private final List<EventProducer> producers;
  private final boolean api;

  ApiHandler(LiveAnalyzer engine, RejectTally rejects, List<EventProducer> producers, boolean api) {
    this.engine = engine;
    this.rejects = rejects;
    this.producers = List.copyOf(producers);
    this.api = api;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws IOException {
    String path = Request.getPathInContext(request);
    boolean known =
        path.equals("/healthz")
            || (api && (path.equals("/api/findings") || path.equals("/api/stats")));
    if (!known) {
      return false;
    }
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put("Allow", "GET, HEAD");
      HttpResponses.text(response, callback, 405, path + " accepts GET only");
      return true;
    }
    switch (path) {
      case "/healthz" ->
          HttpResponses.text(
              response,
              callback,
              engine.isRunning() ? 200 : 503,
              engine.isRunning()
                  ? "ok"
                  : engine.failure() == null
                      ? "the correlation engine is not running"
                      : "the correlation engine stopped: " + engine.failure());
      case "/api/stats" -> json(response, callback, stats());
      default -> {
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
        json(response, callback, findings(engine.recentFindings(max)));
      }
    }
    return true;
  }

  private static ArrayNode findings(List<LiveFinding> findings) throws IOException {
    ArrayNode out = MAPPER.createArrayNode();
    JsonReportRenderer renderer = new JsonReportRenderer();
    for (LiveFinding f : findings) {
      StringWriter w = new StringWriter();
      renderer.renderLine(f.finding(), w);
      ObjectNode o = (ObjectNode) MAPPER.readTree(w.toString());
      o.put("traceCompletedUnixNano", f.traceCompletedEpochNanos());
      o.put("publishedUnixNano", f.publishedEpochNanos());
      out.add(o);
    }
    return out;
  }

  private ObjectNode stats() {
    ObjectNode o = MAPPER.valueToTree(engine.stats());
    ObjectNode rejected = o.putObject("rejectedByReason");
    rejects.counts().forEach(rejected::put);
    ObjectNode skipped = o.putObject("skippedByReason");
    rejects.skippedCounts().forEach(skipped::put);
    ArrayNode ps = o.putArray("producers");
    for (EventProducer p : producers) {
      ObjectNode n = ps.addObject();
      n.put("command", p.command());
      n.put("lines", p.lines());
      Integer exit = p.exitStatus();
      n.put("running", exit == null);
      if (exit != null) {
        n.put("exitStatus", exit);
      }
    }
    return o;
  }

  private static void json(Response response, Callback callback, Object value) throws IOException {
    HttpResponses.send(
        response, callback, 200, HttpResponses.JSON, MAPPER.writeValueAsBytes(value));
  }
}
