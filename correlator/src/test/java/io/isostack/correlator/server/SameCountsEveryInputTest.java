package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.clock.ClockConverter;
import io.isostack.correlator.cli.CorrelatorCommand;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.metrics.ServeMetrics;
import io.isostack.correlator.rules.RuleTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * One input, mixing valid, invalid and skipped lines, read by {@code analyze} and by each live
 * input of {@code serve} (a followed file, a producer, {@code POST /v1/kernel-events?format=NAME}):
 * every path reads, rejects, skips and loses exactly the same records, through the same reader.
 */
class SameCountsEveryInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** What {@code inputs/mixed-events.jsonl} holds, line by line (see the file). */
  private static final Counts MIXED =
      new Counts(
          4,
          Map.of("invalid-json", 1L, "unknown-event", 1L),
          Map.of("producer-text", 2L, "bpftrace-map", 1L, "bpftrace-hist", 1L),
          6);

  /**
   * {@code inputs/dmesg-T-mixed.txt}: 20 real {@code dmesg -T} lines, a bad one, an indented one.
   */
  private static final Counts DMESG =
      new Counts(20, Map.of("unknown-layout", 1L), Map.of("dmesg-continuation", 1L), 0);

  record Counts(long records, Map<String, Long> rejected, Map<String, Long> skipped, long lost) {}

  @ParameterizedTest
  @CsvSource({"'',mixed-events.jsonl", "dmesg,dmesg-T-mixed.txt"})
  void analyzeAndEveryLiveInputGiveTheSameCounts(String format, String file) throws Exception {
    Counts expected = file.startsWith("mixed") ? MIXED : DMESG;
    String path = resource(file);
    String prefix = format.isEmpty() ? "" : format + ":";

    assertThat(analyze(prefix + path)).as("analyze").isEqualTo(expected);
    assertThat(serve(expected, List.of(prefix + path), List.of(), null, null))
        .as("--events")
        .isEqualTo(expected);
    assertThat(serve(expected, List.of(), List.of(prefix + "cat " + path), null, null))
        .as("--producer")
        .isEqualTo(expected);
    assertThat(serve(expected, List.of(), List.of(), format, Files.readAllBytes(Path.of(path))))
        .as("POST /v1/kernel-events")
        .isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void theTextReportSaysWhatWasSkippedRejectedAndLost() throws Exception {
    String text = run("text", resource("mixed-events.jsonl"));

    assertThat(text)
        .contains("Producers lost 6 events")
        .contains("Rejected 2 records: {invalid-json=1, unknown-event=1}")
        .contains(
            "Skipped 4 records that carry no evidence:"
                + " {bpftrace-hist=1, bpftrace-map=1, producer-text=2}");
  }

  private static Counts analyze(String events) throws Exception {
    JsonNode in = JSON.readTree(run("json", events)).get("input");
    return new Counts(
        in.get("events").get("total").asLong(),
        map(in.get("rejected").get("byReason")),
        map(in.get("skipped").get("byReason")),
        in.get("lost").get("total").asLong());
  }

  private static String run(String reportFormat, String events) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CorrelatorCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code =
        cli.execute(
            "analyze",
            "--traces",
            "../samples/data/healthy/traces.jsonl",
            "--events",
            events,
            "--host",
            ServeFixture.HOST,
            "--format",
            reportFormat);
    assertThat(code).as(err.toString()).isZero();
    return out.toString();
  }

  /** Serves one input until its counts are those expected, or 5 s have passed. */
  private static Counts serve(
      Counts expected, List<String> events, List<String> producers, String format, byte[] body)
      throws Exception {
    LiveAnalyzer engine =
        new LiveAnalyzer(
            RuleTable.defaults(),
            LiveSettings.defaults(AnalyzerSettings.defaults().withDefaultHost(ServeFixture.HOST)),
            ServeFixture::now,
            x -> {});
    LiveServer.Settings settings =
        new LiveServer.Settings(
            "127.0.0.1", -1, 0, 1024 * 1024, true, events, producers, ServeFixture.HOST);
    try (ServeMetrics metrics = new ServeMetrics();
        LiveServer server = new LiveServer(engine, new ClockConverter(), settings, metrics)) {
      server.start();
      String base = "http://127.0.0.1:" + server.httpPort();
      if (body != null) {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create(
                            base
                                + "/v1/kernel-events"
                                + (format.isEmpty() ? "" : "?format=" + format)))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.get("accepted").asLong()).isEqualTo(expected.records());
        assertThat(map(answer.get("skipped")))
            .as("the answer's skipped")
            .isEqualTo(expected.skipped());
      }
      Counts seen = null;
      for (long deadline = System.nanoTime() + 5_000_000_000L;
          !expected.equals(seen) && System.nanoTime() < deadline; ) {
        Thread.sleep(50);
        JsonNode stats = JSON.readTree(get(base + "/api/stats"));
        seen =
            new Counts(
                engine.stats().eventsReceived(),
                map(stats.get("rejectedByReason")),
                map(stats.get("skippedByReason")),
                lost(get(base + "/metrics")));
      }
      return seen;
    }
  }

  private static String get(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The sum of {@code correlator_producer_events_lost_total} over every source. */
  private static long lost(String metrics) {
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("correlator_producer_events_lost_total{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) sum;
  }

  private static Map<String, Long> map(JsonNode o) {
    Map<String, Long> m = new TreeMap<>();
    o.properties().forEach(e -> m.put(e.getKey(), e.getValue().asLong()));
    return m;
  }

  private static String resource(String name) throws URISyntaxException {
    return Path.of(SameCountsEveryInputTest.class.getResource("/inputs/" + name).toURI())
        .toString();
  }
}
