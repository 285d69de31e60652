package io.isostack.correlator.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.correlator.metrics.ServeMetrics;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.server.StreamServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP face of one {@code stream} instance ({@link StreamServer}, ephemeral loopback port,
 * {@code --api}) after the shipped real recording was replayed through a real broker: its {@code
 * /api/findings} are the findings it published, {@code /metrics} has its Kafka Streams metrics and
 * the correlator's counters, {@code /healthz} follows the Kafka Streams state.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StreamHttpFaceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static KraftBroker broker;
  private static Path state;
  private static ServeMetrics metrics;
  private static StreamServer server;
  private static TreeSet<String> expected;

  @BeforeAll
  static void replay() throws Exception {
    broker = KraftBroker.start();
    broker.createTopics(Map.of("otlp_spans", 4, "otlp_logs", 2, "isostack_findings", 1));
    expected = CollectorRecording.analyzeFindings();
    state = Files.createTempDirectory("isostack-stream");
    StreamSettings settings =
        RealBrokerReplayTest.settings("http-face", state, broker.bootstrapServers());
    metrics = new ServeMetrics();
    CorrelatorStream stream =
        new CorrelatorStream(settings, RuleTable.defaults(), metrics.findingSink());
    server = new StreamServer(stream, new StreamServer.Settings("127.0.0.1", 0, true), metrics);
    server.start();
    assertThat(stream.awaitRunning(Duration.ofSeconds(60))).isTrue();
    RealBrokerReplayTest.replay(broker, settings, List.of(stream));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (stream.stats().findings() < expected.size() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (broker != null) {
      broker.close();
    }
    if (state != null) {
      KraftBroker.delete(state);
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void apiFindingsAreTheFindingsThisInstancePublished() throws Exception {
    HttpResponse<String> r = get("/api/findings?limit=1000");
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> keys = new ArrayList<>();
    for (JsonNode f : JSON.readTree(r.body())) {
      keys.add(
          f.get("traceId").asText()
              + ' '
              + f.get("spanId").asText()
              + ' '
              + f.get("layer").asText()
              + ' '
              + f.get("cause").asText());
      assertThat(f.get("publishedUnixNano").asLong())
          .isGreaterThanOrEqualTo(f.get("traceCompletedUnixNano").asLong());
    }
    assertThat(new TreeSet<>(keys)).isEqualTo(expected);
    assertThat(keys).hasSameSizeAs(expected);
  }

  @Test
  void metricsHaveKafkaStreamsMetricsAndTheCorrelatorsCounters() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    String body = r.body();
    assertThat(body)
        .contains("kafka_stream_thread_process_total")
        .contains("kafka_consumer_")
        .contains("kafka_producer_")
        .contains("correlator_finding_delay_seconds")
        .contains("jvm_memory_used_bytes");
    long spans = server.stream().stats().spans();
    assertThat(spans).isPositive();
    assertThat(value(body, "correlator_records_received_total{signal=\"spans\",source=\"kafka\"}"))
        .isEqualTo(spans);
    assertThat(value(body, "correlator_traces_evaluated_total"))
        .isEqualTo(server.stream().stats().traces());
    long findings = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith("correlator_findings_total{")) {
        findings += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    assertThat(findings).isEqualTo(expected.size());
  }

  @Test
  void healthzIsOkWhileRunningAndApiStatsShowTheState() throws Exception {
    HttpResponse<String> h = get("/healthz");
    assertThat(h.statusCode()).isEqualTo(200);
    assertThat(h.body()).startsWith("ok: ");
    JsonNode stats = JSON.readTree(get("/api/stats").body());
    assertThat(stats.get("state").asText()).isIn("RUNNING", "REBALANCING");
    assertThat(stats.get("eventsStored").asLong()).isPositive();
    assertThat(stats.get("rejectedByReason").size()).isZero();
  }

  private static long value(String body, String series) {
    for (String line : body.split("\n")) {
      if (line.startsWith(series + " ")) {
        return (long) Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    throw new AssertionError("no series " + series + " in /metrics");
  }
}
