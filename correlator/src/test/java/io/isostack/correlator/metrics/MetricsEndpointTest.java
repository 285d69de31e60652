package io.isostack.correlator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.server.LiveServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /metrics} of a real live server (ephemeral loopback ports, idle and lateness 100 ms,
 * without {@code --api}) fed by the OpenTelemetry SDK's exporters and the kernel-event endpoint.
 */
@Timeout(60)
class MetricsEndpointTest {
  private static final String HOST = "node-1";
  private static final int PID = 4242;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<LiveFinding> published = new CopyOnWriteArrayList<>();
  private ServeMetrics metrics;
  private LiveServer server;

  @BeforeEach
  void start() throws IOException {
    metrics = new ServeMetrics();
    AnalyzerSettings analysis = AnalyzerSettings.defaults().withDefaultHost(HOST);
    LiveSettings options =
        new LiveSettings(
            analysis,
            100_000_000L,
            5_000_000_000L,
            100_000_000L,
            120_000_000_000L,
            1000,
            10_000,
            100);
    LiveAnalyzer engine =
        new LiveAnalyzer(
            RuleTable.defaults(),
            options,
            MetricsEndpointTest::now,
            metrics.findingSink().andThen(published::add));
    server =
        new LiveServer(
            engine,
            new ClockConverter(),
            new LiveServer.Settings(
                "127.0.0.1", 0, 0, 1024 * 1024, false, List.of(), List.of(), HOST),
            metrics);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
    metrics.close();
  }

  private static long now() {
    Instant i = Clock.systemUTC().instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.httpPort() + path;
  }

  private HttpResponse<String> send(HttpRequest.Builder b)
      throws IOException, InterruptedException {
    return http.send(
        b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String type, byte[] body)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private HttpResponse<String> scrape() throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(url("/metrics"))));
  }

  /** Samples of the text format: {@code name{labels}} to value. */
  private static Map<String, Double> samples(String text) {
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }

  private static SdkTracerProvider provider(SpanExporter exporter, String service) {
    return SdkTracerProvider.builder()
        .setResource(
            Resource.create(
                Attributes.of(
                    AttributeKey.stringKey("service.name"),
                    service,
                    AttributeKey.stringKey("host.name"),
                    HOST,
                    AttributeKey.longKey("process.pid"),
                    (long) PID)))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
  }

  private static void flushAndClose(SdkTracerProvider provider) {
    try {
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void countsSpansEventsRejectionsFindingsAndTheirDelay() throws Exception {
    long end = now();
    long start = end - 600_000_000L;
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      events.append(
          "{\"event.name\":\"sched.runq_latency\",\"host.name\":\"node-1\",\"time_ns\":"
              + (start + (i + 1) * 100_000_000L)
              + ",\"pid\":4242,\"tid\":4250,\"comm\":\"worker\",\"dur_ns\":90000000}\n");
    }
    events.append("not json\n");
    byte[] eventBody = events.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(post("/v1/kernel-events", "application/x-ndjson", eventBody).statusCode())
        .isEqualTo(200);
    assertThat(post("/v1/traces", "application/x-protobuf", new byte[] {8}).statusCode())
        .isEqualTo(400);

    // A slow server span over OTLP/gRPC (gzip): its run-queue events (no CPU limit) make a host
    // finding.
    SdkTracerProvider grpc =
        provider(
            OtlpGrpcSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + server.grpcPort())
                .setCompression("gzip")
                .build(),
            "backend");
    try {
      grpc.get("test")
          .spanBuilder("GET /pay")
          .setSpanKind(SpanKind.SERVER)
          .setStartTimestamp(start, TimeUnit.NANOSECONDS)
          .startSpan()
          .end(end, TimeUnit.NANOSECONDS);
    } finally {
      flushAndClose(grpc);
    }
    // A fast trace of two spans over OTLP/HTTP (protobuf).
    SdkTracerProvider otlpHttp =
        provider(OtlpHttpSpanExporter.builder().setEndpoint(url("/v1/traces")).build(), "front");
    try {
      Tracer tracer = otlpHttp.get("test");
      var root = tracer.spanBuilder("GET /checkout").setSpanKind(SpanKind.SERVER).startSpan();
      tracer
          .spanBuilder("GET /stock")
          .setParent(Context.root().with(root))
          .setSpanKind(SpanKind.CLIENT)
          .startSpan()
          .end();
      root.end();
    } finally {
      flushAndClose(otlpHttp);
    }

    Map<String, Double> s = Map.of();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      s = samples(scrape().body());
      if (s.getOrDefault("correlator_traces_evaluated_total", 0.0) >= 2
          && s.getOrDefault("correlator_findings_total{layer=\"host\"}", 0.0) >= 1) {
        break;
      }
      Thread.sleep(50);
    }

    assertThat(s)
        .containsEntry(
            "correlator_records_received_total{signal=\"spans\",source=\"otlp-grpc\"}", 1.0)
        .containsEntry(
            "correlator_records_received_total{signal=\"spans\",source=\"otlp-http\"}", 2.0)
        .containsEntry(
            "correlator_records_received_total{signal=\"events\",source=\"kernel-events\"}", 5.0)
        .containsEntry(
            "correlator_records_received_total{signal=\"logs\",source=\"otlp-grpc\"}", 0.0)
        .containsEntry(
            "correlator_bytes_received_total{signal=\"events\",source=\"kernel-events\"}",
            (double) eventBody.length)
        .containsEntry("correlator_records_rejected_total{reason=\"invalid-json\"}", 1.0)
        .containsEntry("correlator_records_rejected_total{reason=\"invalid-protobuf\"}", 1.0)
        .containsEntry("correlator_producer_events_lost_total{source=\"kernel-events\"}", 0.0)
        .containsEntry("correlator_traces_evaluated_total", 2.0)
        .containsEntry("correlator_findings_total{layer=\"host\"}", 1.0)
        .containsEntry("correlator_findings_total{layer=\"L-1\"}", 0.0)
        .containsEntry("correlator_window_events", 5.0)
        .containsEntry("correlator_window_traces", 0.0)
        .containsEntry("correlator_window_evictions_total{kind=\"events\"}", 0.0)
        .containsEntry("correlator_records_late_total{signal=\"spans\"}", 0.0)
        .containsEntry("correlator_batches_refused_total", 0.0)
        .containsEntry("correlator_finding_delay_seconds_count", 1.0)
        .containsEntry("correlator_finding_delay_seconds_bucket{le=\"1.0\"}", 1.0)
        .containsEntry("correlator_finding_delay_seconds_bucket{le=\"+Inf\"}", 1.0);
    assertThat(s.get("correlator_bytes_received_total{signal=\"spans\",source=\"otlp-grpc\"}"))
        .isPositive();
    assertThat(s.get("correlator_bytes_received_total{signal=\"spans\",source=\"otlp-http\"}"))
        .isPositive();
    assertThat(s.get("correlator_finding_delay_seconds_sum") * 1e9)
        .isCloseTo(published.get(0).delayNanos(), org.assertj.core.data.Offset.offset(1e3));
    assertThat(s.keySet())
        .anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"))
        .anyMatch(k -> k.startsWith("jvm_threads_live_threads"))
        .anyMatch(k -> k.startsWith("process_uptime_seconds"));
  }

  @Test
  void isTheTextFormatWithHelpLinesWithoutApi() throws Exception {
    HttpResponse<String> r = scrape();

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body())
        .contains("# HELP correlator_records_received_total Records taken in")
        .contains("# TYPE correlator_finding_delay_seconds histogram")
        .contains("# TYPE correlator_window_events gauge");
    assertThat(send(HttpRequest.newBuilder(URI.create(url("/api/stats")))).statusCode())
        .isEqualTo(404);
  }

  @Test
  void prometheusAskingForOpenMetricsGetsIt() throws Exception {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(url("/metrics")))
                .header(
                    "Accept",
                    "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4"));

    assertThat(r.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/openmetrics-text; version=1.0.0");
    assertThat(r.body()).contains("correlator_records_received_total{").endsWith("# EOF\n");
  }

  @Test
  void acceptsGetOnly() throws Exception {
    HttpResponse<String> r = post("/metrics", "text/plain", new byte[0]);

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }
}
