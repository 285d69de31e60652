package io.isostack.correlator.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveView;
import io.isostack.correlator.receiver.EventProducer;
import io.isostack.correlator.receiver.HttpResponses;
import io.isostack.correlator.receiver.RejectTally;
import io.isostack.correlator.report.JsonReportRenderer;
import io.isostack.correlator.storage.StoredFinding;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
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
 * producers; for {@code stream}, the instance's counters and Kafka Streams state). Other paths are
 * left to the next handler. {@code /healthz} answers 200 or 503 with the driver's {@link
 * LiveView#health()}. Thread-safe.
 */
final class ApiHandler extends Handler.Abstract {
  static final int DEFAULT_LIMIT = 100;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final LiveView view;
  private final Supplier<?> stats;
  private final boolean api;
  private volatile List<StoredFinding> restored = List.of();

  /**
   * The API of {@code serve}: {@code /api/stats} is the engine's counters, the inputs' rejections
   * and skipped records by reason, and the producers.
   */
  ApiHandler(LiveAnalyzer engine, RejectTally rejects, List<EventProducer> producers, boolean api) {
    this(engine, serveStats(engine, rejects, List.copyOf(producers)), api);
  }

  /**
   * The API of any live driver.
   *
   * @param view the findings and health shown
   * @param stats the body of {@code /api/stats}, serialized by Jackson at each request
   * @param api whether {@code /api/*} is served ({@code /healthz} always is)
   */
  ApiHandler(LiveView view, Supplier<?> stats, boolean api) {
    this.view = Objects.requireNonNull(view, "view");
    this.stats = Objects.requireNonNull(stats, "stats");
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
      case "/healthz" -> {
        LiveView.Health health = view.health();
        HttpResponses.text(response, callback, health.ok() ? 200 : 503, health.detail());
      }
      case "/api/stats" -> json(response, callback, stats.get());
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
        json(response, callback, findings(view.recentFindings(max), max));
      }
    }
    return true;
  }

  /**
   * Shows, after the findings of this run, the findings published before a restart ({@code serve
   * --storage}), newest first; one published again by this run is shown once, as this run's.
   */
  void restoredFindings(List<StoredFinding> before) {
    restored = List.copyOf(before);
  }

  private ArrayNode findings(List<LiveFinding> findings, int max) throws IOException {
    ArrayNode out = MAPPER.createArrayNode();
    Set<String> keys = new HashSet<>();
    for (LiveFinding f : findings) {
      out.add(json(f));
      keys.add(f.finding().span().traceId() + "/" + f.finding().span().spanId());
    }
    for (StoredFinding f : restored) {
      if (out.size() >= max) {
        break;
      }
      if (!keys.contains(f.traceId() + "/" + f.spanId())) {
        out.add(MAPPER.readTree(f.json()));
      }
    }
    return out;
  }

  /**
   * A finding as {@code /api/findings} serves it: the object {@code analyze --format json} writes
   * plus {@code traceCompletedUnixNano} and {@code publishedUnixNano}.
   */
  static ObjectNode json(LiveFinding f) throws IOException {
    StringWriter w = new StringWriter();
    new JsonReportRenderer().renderLine(f.finding(), w);
    ObjectNode o = (ObjectNode) MAPPER.readTree(w.toString());
    o.put("traceCompletedUnixNano", f.traceCompletedEpochNanos());
    o.put("publishedUnixNano", f.publishedEpochNanos());
    return o;
  }

  /** {@link #json(LiveFinding)} as text ({@code serve --storage} keeps it). */
  static String jsonText(LiveFinding f) {
    try {
      return MAPPER.writeValueAsString(json(f));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Supplier<ObjectNode> serveStats(
      LiveAnalyzer engine, RejectTally rejects, List<EventProducer> producers) {
    return () -> serveStatsNow(engine, rejects, producers);
  }

  private static ObjectNode serveStatsNow(
      LiveAnalyzer engine, RejectTally rejects, List<EventProducer> producers) {
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
