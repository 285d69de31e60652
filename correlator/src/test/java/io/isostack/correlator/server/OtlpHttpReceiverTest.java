package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class OtlpHttpReceiverTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private ServeFixture serve;

  @BeforeEach
  void start() throws IOException {
    serve = new ServeFixture();
  }

  @AfterEach
  void stop() {
    serve.close();
  }

  @Test
  void openTelemetrySdkHttpExporterDeliversSpans() throws Exception {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(serve.url("/v1/traces")).build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        "sdk-http",
                        AttributeKey.stringKey("host.name"),
                        ServeFixture.HOST)))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    try {
      var tracer = provider.get("test");
      for (int i = 0; i < 3; i++) {
        tracer.spanBuilder("GET /" + i).setSpanKind(SpanKind.SERVER).startSpan().end();
      }
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
    serve.awaitStats(s -> s.spansReceived() == 3);
  }

  @Test
  void protobufRequestWithAZeroSpanIdIsAPartialSuccess() throws Exception {
    HttpResponse<byte[]> r =
        serve.post(
            "/v1/traces",
            "application/x-protobuf",
            OtlpData.withOneInvalidSpan(ServeFixture.now()).toByteArray());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
    ExportTraceServiceResponse response = ExportTraceServiceResponse.parseFrom(r.body());
    assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(response.getPartialSuccess().getErrorMessage()).contains("spanId");
    serve.awaitStats(s -> s.spansReceived() == 2);
  }

  @Test
  void jsonRequestWithAZeroSpanIdIsAPartialSuccess() throws Exception {
    HttpResponse<byte[]> r =
        serve.post(
            "/v1/traces",
            "application/json; charset=utf-8",
            OtlpData.withOneInvalidSpanJson(ServeFixture.now()).getBytes(StandardCharsets.UTF_8));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode partial = JSON.readTree(r.body()).get("partialSuccess");
    assertThat(partial.get("rejectedSpans").asText()).isEqualTo("1");
    assertThat(partial.get("errorMessage").asText()).contains("spanId");
    serve.awaitStats(s -> s.spansReceived() == 2);
  }

  @Test
  void fullSuccessIsAnEmptyResponse() throws Exception {
    long now = ServeFixture.now();
    byte[] body =
        ("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
                + OtlpData.jsonSpan(OtlpData.spanId(7), null, "GET /", now - 1000, now)
                + "]}]}]}")
            .getBytes(StandardCharsets.UTF_8);

    HttpResponse<byte[]> r = serve.post("/v1/traces", "application/json", body);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
  }

  @Test
  void aSpanThatIsItsOwnParentIsAcceptedAsARootAndCounted() throws Exception {
    long now = ServeFixture.now();
    byte[] body =
        ("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
                + OtlpData.jsonSpan(
                    OtlpData.spanId(7), OtlpData.spanId(7), "GET /", now - 1000, now)
                + "]}]}]}")
            .getBytes(StandardCharsets.UTF_8);

    HttpResponse<byte[]> r = serve.post("/v1/traces", "application/json", body);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    serve.awaitStats(s -> s.spansReceived() == 1);
    JsonNode stats = JSON.readTree(serve.get("/api/stats").body());
    assertThat(stats.at("/skippedByReason/self-parent").asLong()).isEqualTo(1);
  }

  @Test
  void otherContentTypesAre415() throws Exception {
    assertThat(serve.post("/v1/traces", "text/plain", new byte[] {1}).statusCode()).isEqualTo(415);
    assertThat(
            serve
                .post("/v1/traces", "application/json", "{}".getBytes(), "Content-Encoding", "br")
                .statusCode())
        .isEqualTo(415);
  }

  @Test
  void undecodableProtobufIs400WithAGoogleRpcStatus() throws Exception {
    HttpResponse<byte[]> r =
        serve.post("/v1/traces", "application/x-protobuf", new byte[] {0x0a, 0x7f, 0x01});

    assertThat(r.statusCode()).isEqualTo(400);
    com.google.rpc.Status status = com.google.rpc.Status.parseFrom(r.body());
    assertThat(status.getCode()).isEqualTo(3);
    assertThat(status.getMessage()).contains("protobuf");
  }

  @Test
  void undecodableJsonIs400WithAJsonStatus() throws Exception {
    HttpResponse<byte[]> r =
        serve.post("/v1/logs", "application/json", "{\"resourceLogs\":[".getBytes());

    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode status = JSON.readTree(r.body());
    assertThat(status.get("code").asInt()).isEqualTo(3);
    assertThat(status.get("message").asText()).contains("JSON");
  }

  @Test
  void bodyAboveTheLimitIs413BeforeAndAfterDecompression() throws Exception {
    byte[] big = new byte[1024 * 1024 + 1];
    assertThat(serve.post("/v1/traces", "application/x-protobuf", big).statusCode()).isEqualTo(413);

    HttpResponse<byte[]> bomb =
        serve.post("/v1/traces", "application/x-protobuf", gzip(big), "Content-Encoding", "gzip");
    assertThat(bomb.statusCode()).isEqualTo(413);
    assertThat(com.google.rpc.Status.parseFrom(bomb.body()).getMessage())
        .contains("after decompression");
  }

  @Test
  void gzipBodyIsAccepted() throws Exception {
    ExportTraceServiceRequest request = OtlpData.withOneInvalidSpan(ServeFixture.now());

    HttpResponse<byte[]> r =
        serve.post(
            "/v1/traces",
            "application/x-protobuf",
            gzip(request.toByteArray()),
            "Content-Encoding",
            "gzip");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(
            ExportTraceServiceResponse.parseFrom(r.body()).getPartialSuccess().getRejectedSpans())
        .isEqualTo(1);
    serve.awaitStats(s -> s.spansReceived() == 2);
  }

  @Test
  void protobufLogsCarryingCanonicalFieldsBecomeEvents() throws Exception {
    HttpResponse<byte[]> r =
        serve.post(
            "/v1/logs", "application/x-protobuf", OtlpData.logs(ServeFixture.now()).toByteArray());

    assertThat(r.statusCode()).isEqualTo(200);
    ExportLogsServiceResponse response = ExportLogsServiceResponse.parseFrom(r.body());
    assertThat(response.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
    assertThat(response.getPartialSuccess().getErrorMessage()).contains("no.such.event");
    serve.awaitStats(s -> s.eventsReceived() == 2);
  }

  @Test
  void jsonLogsWithHexIdsBecomeEvents() throws Exception {
    long now = ServeFixture.now();
    String body =
        "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"host.name\","
            + "\"value\":{\"stringValue\":\"node-1\"}}]},\"scopeLogs\":[{\"logRecords\":["
            + "{\"timeUnixNano\":\""
            + now
            + "\",\"traceId\":\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"EEE19B7EC3C1B174\","
            + "\"attributes\":[{\"key\":\"event.name\",\"value\":{\"stringValue\":\"sched.offcpu\"}},"
            + "{\"key\":\"pid\",\"value\":{\"intValue\":\"4242\"}},"
            + "{\"key\":\"dur_ns\",\"value\":{\"intValue\":5000000}},"
            + "{\"key\":\"attrs\",\"value\":{\"kvlistValue\":{\"values\":["
            + "{\"key\":\"state\",\"value\":{\"stringValue\":\"D\"}}]}}}]}]}]}]}";

    HttpResponse<byte[]> r =
        serve.post("/v1/logs", "application/json", body.getBytes(StandardCharsets.UTF_8));

    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    serve.awaitStats(s -> s.eventsReceived() == 1);
  }

  @Test
  void kernelEventLinesAreCountedAndTheFirstErrorsNamed() throws Exception {
    long now = ServeFixture.now();
    String body =
        "{\"event.name\":\"sched.runq_latency\",\"time_ns\":"
            + now
            + ",\"pid\":1,\"dur_ns\":5}\n"
            + "{\"type\":\"printf\",\"data\":\"{\\\"event.name\\\":\\\"sched.offcpu\\\","
            + "\\\"time_ns\\\":"
            + now
            + ",\\\"pid\\\":1,\\\"dur_ns\\\":9}\\n\"}\n"
            + "not json\n";

    HttpResponse<byte[]> r =
        serve.post("/v1/kernel-events", "application/x-ndjson", body.getBytes());

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode json = JSON.readTree(r.body());
    assertThat(json.get("accepted").asLong()).isEqualTo(2);
    assertThat(json.get("rejected").asLong()).isEqualTo(1);
    assertThat(json.get("errors").get(0).get("line").asLong()).isEqualTo(3);
    assertThat(json.get("errors").get(0).get("reason").asText()).isEqualTo("invalid-json");
    serve.awaitStats(s -> s.eventsReceived() == 2);
  }

  @Test
  void kernelEventsWithNothingValidAre400() throws Exception {
    HttpResponse<byte[]> r =
        serve.post("/v1/kernel-events", "application/x-ndjson", "{\"pid\":1}\n".getBytes());

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).get("errors").get(0).get("reason").asText())
        .isEqualTo("missing-field");
  }

  @Test
  void otherPathsAre404AndOtherMethods405() throws Exception {
    assertThat(serve.get("/v1/metrics").statusCode()).isEqualTo(404);
    assertThat(serve.get("/v1/traces").statusCode()).isEqualTo(405);
    assertThat(serve.post("/api/stats", "application/json", new byte[0]).statusCode())
        .isEqualTo(405);
    assertThat(serve.get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void fullEngineQueueIs503WithRetryAfter() throws Exception {
    try (ServeFixture stalled = new ServeFixture(1, false, List.of(), List.of())) {
      byte[] body = OtlpData.withOneInvalidSpan(ServeFixture.now()).toByteArray();
      assertThat(stalled.post("/v1/traces", "application/x-protobuf", body).statusCode())
          .isEqualTo(200);

      HttpResponse<byte[]> r = stalled.post("/v1/traces", "application/x-protobuf", body);

      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(com.google.rpc.Status.parseFrom(r.body()).getCode()).isEqualTo(14);
      HttpResponse<byte[]> json =
          stalled.post(
              "/v1/traces",
              "application/json",
              OtlpData.withOneInvalidSpanJson(ServeFixture.now()).getBytes());
      assertThat(json.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(json.body()).get("code").asInt()).isEqualTo(14);
    }
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }
}
