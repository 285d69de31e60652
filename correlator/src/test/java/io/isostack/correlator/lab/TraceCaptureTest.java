package io.isostack.correlator.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.isostack.clock.ClockConverter;
import io.isostack.codec.InputSpec;
import io.isostack.correlator.receiver.InputLoader;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.model.SpanView;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceCaptureTest {
  @Test
  void writesWhatTheProtobufExportCarriedAsOtlpJsonTheReadersRead(@TempDir Path tmp)
      throws Exception {
    Path file = tmp.resolve("traces.jsonl");
    byte[] trace = HexFormat.of().parseHex("0af7651916cd43dd8448eb211c80319c");
    byte[] span = HexFormat.of().parseHex("b7ad6b7169203331");
    ExportTraceServiceRequest req =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(kv("service.name", "backend"))
                            .addAttributes(kv("host.name", "vm"))
                            .addAttributes(kv("container.id", "ab".repeat(32))))
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .addSpans(
                                Span.newBuilder()
                                    .setTraceId(ByteString.copyFrom(trace))
                                    .setSpanId(ByteString.copyFrom(span))
                                    .setName("GET /pay")
                                    .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                                    .setStartTimeUnixNano(1_795_000_000_000_000_000L)
                                    .setEndTimeUnixNano(1_795_000_000_300_000_000L)
                                    .addAttributes(kv("network.peer.address", "::ffff:10.0.0.1")))))
            .build();
    try (TraceCapture c = new TraceCapture("127.0.0.1", file)) {
      HttpResponse<byte[]> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(c.endpoint() + "/v1/traces"))
                      .header("Content-Type", "application/x-protobuf")
                      .POST(HttpRequest.BodyPublishers.ofByteArray(req.toByteArray()))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(c.spans()).isEqualTo(1);
    }
    assertThat(Files.readAllLines(file))
        .hasSize(1)
        .first()
        .asString()
        .startsWith("{\"resourceSpans\"");
    List<SpanView> spans = new ArrayList<>();
    InputSummary summary = new InputSummary();
    new InputLoader(new ClockConverter(), summary, l -> {})
        .readTraces(InputSpec.parse(file.toString()), spans::add);
    assertThat(summary.rejectedTotal()).isZero();
    assertThat(spans).hasSize(1);
    SpanView s = spans.get(0);
    assertThat(s.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(s.spanId()).isEqualTo("b7ad6b7169203331");
    assertThat(s.service()).isEqualTo("backend");
    assertThat(s.endEpochNanos() - s.startEpochNanos()).isEqualTo(300_000_000L);
  }

  private static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }
}
