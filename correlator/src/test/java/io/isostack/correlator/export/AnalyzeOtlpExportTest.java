package io.isostack.correlator.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.isostack.correlator.cli.CorrelatorCommand;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@code correlator analyze --otlp-endpoint} in-process on the recorded CPU-throttling case
 * against a real OTLP receiver, and checks what it received against the JSON report of the same
 * run.
 */
class AnalyzeOtlpExportTest {
  private static final String CASE = "../samples/data/real-cpu-throttle/";
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path tmp;

  private record Run(int exitCode, String err, List<JsonNode> findings) {}

  private Run analyze(String... exportArgs) throws IOException {
    Path report = tmp.resolve("report.json");
    List<String> args =
        new ArrayList<>(
            List.of(
                "analyze",
                "--traces",
                CASE + "traces.jsonl",
                "--events",
                CASE + "events-sched.jsonl",
                CASE + "events-cgroup.jsonl",
                "--format",
                "json",
                "-o",
                report.toString()));
    args.addAll(List.of(exportArgs));
    StringWriter err = new StringWriter();
    CommandLine cli = CorrelatorCommand.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args.toArray(new String[0]));
    List<JsonNode> findings = new ArrayList<>();
    if (code == 0) {
      new ObjectMapper().readTree(report.toFile()).get("findings").forEach(findings::add);
    }
    return new Run(code, err.toString(), findings);
  }

  private static Map<String, AnyValue> attrs(List<KeyValue> kvs) {
    Map<String, AnyValue> m = new HashMap<>();
    kvs.forEach(kv -> m.put(kv.getKey(), kv.getValue()));
    return m;
  }

  private static String hex(ByteString b) {
    return HEX.formatHex(b.toByteArray());
  }

  private static String ids(String traceId, String spanId) {
    return traceId + "/" + spanId;
  }

  private static NumberDataPoint lastCounterPoint(OtlpCapture c, String layer, String cause) {
    List<Metric> batches = c.metric("isostack.findings");
    assertThat(batches).isNotEmpty();
    Metric last = batches.get(batches.size() - 1);
    assertThat(last.getUnit()).isEqualTo("{finding}");
    assertThat(last.getSum().getIsMonotonic()).isTrue();
    return last.getSum().getDataPointsList().stream()
        .filter(
            p ->
                attrs(p.getAttributesList()).get("isostack.layer").getStringValue().equals(layer)
                    && attrs(p.getAttributesList())
                        .get("isostack.cause")
                        .getStringValue()
                        .equals(cause))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void everyFindingIsOneLogRecordLinkedToItsSlowSpan() throws Exception {
    try (OtlpCapture capture = OtlpCapture.grpc()) {
      Run run = analyze("--otlp-endpoint", capture.endpoint());

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.findings()).hasSizeGreaterThan(50);
      List<LogRecord> records = capture.logRecords();
      assertThat(records).hasSameSizeAs(run.findings());
      assertThat(records.stream().map(r -> ids(hex(r.getTraceId()), hex(r.getSpanId()))))
          .containsExactlyInAnyOrderElementsOf(
              run.findings().stream()
                  .map(f -> ids(f.get("traceId").asText(), f.get("spanId").asText()))
                  .toList());
      Map<String, JsonNode> bySpan =
          run.findings().stream().collect(Collectors.toMap(f -> f.get("spanId").asText(), f -> f));
      for (LogRecord r : records) {
        JsonNode f = bySpan.get(hex(r.getSpanId()));
        Map<String, AnyValue> a = attrs(r.getAttributesList());
        assertThat(r.getEventName()).isEqualTo("isostack.finding");
        assertThat(r.getSeverityNumber()).isEqualTo(SeverityNumber.SEVERITY_NUMBER_WARN);
        assertThat(r.getSeverityText()).isEqualTo("WARN");
        assertThat(r.getTimeUnixNano())
            .isEqualTo(f.get("startTimeUnixNano").asLong() + f.get("durationNanos").asLong());
        assertThat(r.getBody().getStringValue())
            .contains(f.get("service").asText() + " " + f.get("name").asText())
            .contains(": L-3 container, CPU throttling (" + f.get("detail").asText() + ")");
        assertThat(a.get("isostack.layer").getStringValue()).isEqualTo("L-3");
        assertThat(a.get("isostack.cause").getStringValue()).isEqualTo("cpu-throttle");
        assertThat(a.get("isostack.network_slice").getBoolValue()).isFalse();
        assertThat(a.get("isostack.confidence").getDoubleValue())
            .isEqualTo(f.get("confidence").asDouble());
        assertThat(a.get("isostack.explained.duration").getDoubleValue())
            .isCloseTo(f.get("explainedNanos").asLong() / 1e9, within(1e-9));
        assertThat(a.get("isostack.span.self.duration").getDoubleValue())
            .isCloseTo(f.get("selfNanos").asLong() / 1e9, within(1e-9));
        assertThat(a.get("isostack.request.duration").getDoubleValue())
            .isCloseTo(f.get("requestNanos").asLong() / 1e9, within(1e-9));
        assertThat(a.get("isostack.request.share").getDoubleValue())
            .isEqualTo(f.get("requestShare").asDouble())
            .isPositive();
        assertThat(a.get("isostack.span.service.name").getStringValue())
            .isEqualTo(f.get("service").asText());
        assertThat(a.get("isostack.span.name").getStringValue()).isEqualTo(f.get("name").asText());
        assertThat(a.get("isostack.method").getStringValue()).isEqualTo(f.get("method").asText());
        assertThat(a.get("isostack.evidence.count").getIntValue())
            .isEqualTo(f.get("evidence").size());
        assertThat(a.get("isostack.evidence.signals").getArrayValue().getValuesList())
            .extracting(AnyValue::getStringValue)
            .contains("cpu.throttled");
        assertThat(a.get("isostack.evidence.top").getArrayValue().getValuesCount()).isBetween(1, 3);
      }
      assertThat(capture.logs.get(0).getResourceLogs(0).getScopeLogs(0).getScope().getName())
          .isEqualTo("io.isostack.correlator");
      assertThat(
              attrs(capture.logs.get(0).getResourceLogs(0).getResource().getAttributesList())
                  .get("service.name")
                  .getStringValue())
          .isEqualTo("isostack-correlator");
      assertThat(capture.traces).as("no span without --enrich-spans").isEmpty();
    }
  }

  @Test
  void findingsCounterAndExplainedHistogramAreByLayerAndCause() throws Exception {
    try (OtlpCapture capture = OtlpCapture.grpc()) {
      Run run = analyze("--otlp-endpoint", capture.endpoint());

      assertThat(run.exitCode()).as(run.err()).isZero();
      NumberDataPoint count = lastCounterPoint(capture, "L-3", "cpu-throttle");
      assertThat(count.getAsInt()).isEqualTo(run.findings().size());
      assertThat(attrs(count.getAttributesList()).get("isostack.network_slice").getBoolValue())
          .isFalse();
      List<Metric> explained = capture.metric("isostack.finding.explained.duration");
      assertThat(explained).isNotEmpty();
      Metric last = explained.get(explained.size() - 1);
      assertThat(last.getUnit()).isEqualTo("s");
      assertThat(last.getHistogram().getAggregationTemporality())
          .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
      HistogramDataPoint p = last.getHistogram().getDataPoints(0);
      assertThat(p.getCount()).isEqualTo(run.findings().size());
      double seconds =
          run.findings().stream().mapToLong(f -> f.get("explainedNanos").asLong()).sum() / 1e9;
      assertThat(p.getSum()).isCloseTo(seconds, within(1e-6));
    }
  }

  @Test
  void enrichedSpansCarryTheVerdictAndTheEvidenceAsEvents() throws Exception {
    try (OtlpCapture capture = OtlpCapture.grpc()) {
      Run run = analyze("--otlp-endpoint", capture.endpoint(), "--enrich-spans");

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(capture.spans()).hasSameSizeAs(run.findings());
      Map<String, Span> spans = new HashMap<>();
      Map<String, String> serviceOf = new HashMap<>();
      for (ResourceSpans rs : capture.resourceSpans()) {
        String service =
            attrs(rs.getResource().getAttributesList()).get("service.name").getStringValue();
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          assertThat(ss.getScope().getName()).isEqualTo("io.isostack.correlator");
          for (Span s : ss.getSpansList()) {
            spans.put(hex(s.getSpanId()), s);
            serviceOf.put(hex(s.getSpanId()), service);
          }
        }
      }
      for (JsonNode f : run.findings()) {
        Span s = spans.get(f.get("spanId").asText());
        assertThat(s).as("span %s", f.get("spanId")).isNotNull();
        assertThat(hex(s.getTraceId())).isEqualTo(f.get("traceId").asText());
        assertThat(s.getName()).isEqualTo(f.get("name").asText());
        assertThat(s.getKind().name()).isEqualTo("SPAN_KIND_" + f.get("kind").asText());
        assertThat(s.getStartTimeUnixNano()).isEqualTo(f.get("startTimeUnixNano").asLong());
        assertThat(s.getEndTimeUnixNano() - s.getStartTimeUnixNano())
            .isEqualTo(f.get("durationNanos").asLong());
        assertThat(s.getParentSpanId().isEmpty()).isEqualTo(f.get("path").size() == 1);
        assertThat(serviceOf.get(f.get("spanId").asText())).isEqualTo(f.get("service").asText());
        Map<String, AnyValue> a = attrs(s.getAttributesList());
        assertThat(a.get("isostack.layer").getStringValue()).isEqualTo("L-3");
        assertThat(a.get("isostack.cause").getStringValue()).isEqualTo("cpu-throttle");
        assertThat(a.get("isostack.enriched").getBoolValue()).isTrue();
        assertThat(a.get("isostack.verdict").getStringValue())
            .contains("L-3 container, CPU throttling");
        JsonNode evidence = f.get("evidence");
        int shown = Math.min(OtlpExportSettings.DEFAULT_MAX_SPAN_EVENTS, evidence.size());
        assertThat(s.getEventsCount()).isEqualTo(shown);
        assertThat(s.getDroppedEventsCount()).isEqualTo(evidence.size() - shown);
        for (int i = 0; i < shown; i++) {
          Span.Event e = s.getEvents(i);
          JsonNode x = evidence.get(i);
          assertThat(e.getName()).isEqualTo(x.get("name").asText());
          assertThat(e.getTimeUnixNano()).isEqualTo(x.get("timeUnixNano").asLong());
          Map<String, AnyValue> ea = attrs(e.getAttributesList());
          assertThat(ea.get("isostack.event.entity").getStringValue())
              .isEqualTo(x.get("entity").asText());
          assertThat(ea.get("isostack.event.join").getStringValue())
              .isEqualTo(x.get("join").asText());
          assertThat(ea.get("isostack.cause").getStringValue()).isEqualTo(x.get("cause").asText());
        }
      }
      // The log records are still there, one per finding.
      assertThat(capture.logRecords()).hasSameSizeAs(run.findings());
    }
  }

  @Test
  void httpProtobufDeliversLogsMetricsAndSpansToTheSignalPaths() throws Exception {
    try (OtlpCapture capture = OtlpCapture.http()) {
      Run run =
          analyze(
              "--otlp-endpoint",
              capture.endpoint(),
              "--otlp-protocol",
              "http/protobuf",
              "--enrich-spans");

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(capture.httpPaths).contains("/v1/logs", "/v1/metrics", "/v1/traces");
      assertThat(capture.logRecords()).hasSameSizeAs(run.findings());
      assertThat(capture.spans()).hasSameSizeAs(run.findings());
      assertThat(lastCounterPoint(capture, "L-3", "cpu-throttle").getAsInt())
          .isEqualTo(run.findings().size());
    }
  }

  @Test
  void unknownProtocolIsAUsageErrorNamingTheOption() throws Exception {
    Run run = analyze("--otlp-protocol", "http/json");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--otlp-protocol must be grpc or http/protobuf: http/json");
  }

  @Test
  void endpointThatIsNotAnHttpUrlIsAUsageErrorNamingTheOption() throws Exception {
    Run run = analyze("--otlp-endpoint", "collector:4317");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--otlp-endpoint must be an http:// or https:// URL");
  }

  @Test
  void unreachableEndpointIsSummarisedOnceInTheExitStatusAndTimeBounded() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    long start = System.nanoTime();
    Run run = analyze("--otlp-endpoint", "http://127.0.0.1:" + port, "--otlp-timeout", "2s");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err().lines().filter(l -> l.contains("findings not delivered")).count())
        .as(run.err())
        .isEqualTo(1);
    assertThat(run.err()).contains("OTLP export to http://127.0.0.1:" + port + " failed: 82 of 82");
    assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Failed to export");
    assertThat(seconds).as("the analysis plus at most --otlp-timeout").isLessThan(30);
  }
}
