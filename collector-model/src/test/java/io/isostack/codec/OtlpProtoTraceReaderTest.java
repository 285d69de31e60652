package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.ByteString;
import io.isostack.model.Endpoint;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanStatus;
import io.isostack.model.SpanView;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpProtoTraceReaderTest {

  private static final HexFormat HEX = HexFormat.of();

  private final OtlpProtoTraceReader reader = new OtlpProtoTraceReader();
  private final List<SpanView> spans = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();

  private ReadSummary read(byte[] bytes) throws IOException {
    return reader.read(new ByteArrayInputStream(bytes), "test", spans::add, rejects::add);
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static KeyValue kv(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  private static Span.Builder span(String spanIdHex) {
    return Span.newBuilder()
        .setTraceId(ByteString.fromHex("5b8efff798038103d269b633813fc60c"))
        .setSpanId(ByteString.fromHex(spanIdHex))
        .setName("GET /pay")
        .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(1795265544053193000L)
        .setEndTimeUnixNano(1795265544055193000L)
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR))
        .addAttributes(kv("network.peer.address", "10.0.0.9"))
        .addAttributes(kv("network.peer.port", 5432));
  }

  private static ResourceSpans resourceSpans(Span.Builder... spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (Span.Builder s : spans) {
      scope.addSpans(s);
    }
    return ResourceSpans.newBuilder()
        .setResource(
            Resource.newBuilder()
                .addAttributes(kv("service.name", "checkout"))
                .addAttributes(kv("host.name", "node-1"))
                .addAttributes(kv("process.pid", 4242)))
        .addScopeSpans(scope)
        .build();
  }

  private static ExportTraceServiceRequest request(ResourceSpans... rs) {
    return ExportTraceServiceRequest.newBuilder().addAllResourceSpans(Arrays.asList(rs)).build();
  }

  private static byte[] framed(ExportTraceServiceRequest... requests) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ExportTraceServiceRequest r : requests) {
      byte[] b = r.toByteArray();
      out.write(
          new byte[] {
            (byte) (b.length >>> 24),
            (byte) (b.length >>> 16),
            (byte) (b.length >>> 8),
            (byte) b.length
          });
      out.write(b);
    }
    return out.toByteArray();
  }

  @Test
  void readsBareRequest() throws IOException {
    byte[] bytes =
        request(resourceSpans(span("eee19b7ec3c1b174")), resourceSpans(span("eee19b7ec3c1b175")))
            .toByteArray();
    assertThat(bytes[0]).isEqualTo((byte) 0x0A);

    ReadSummary summary = read(bytes);

    assertThat(rejects).isEmpty();
    assertThat(spans)
        .extracting(SpanView::spanId)
        .containsExactly("eee19b7ec3c1b174", "eee19b7ec3c1b175");
    assertThat(summary).isEqualTo(new ReadSummary(1, 2, 0, 0));
  }

  @Test
  void convertsFieldsToSpanView() throws IOException {
    read(request(resourceSpans(span("eee19b7ec3c1b174"))).toByteArray());

    assertThat(spans)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
              assertThat(s.isRoot()).isTrue();
              assertThat(s.kind()).isEqualTo(SpanKind.CLIENT);
              assertThat(s.status()).isEqualTo(SpanStatus.ERROR);
              assertThat(s.service()).isEqualTo("checkout");
              assertThat(s.host()).isEqualTo("node-1");
              assertThat(s.pid()).isEqualTo(4242);
              assertThat(s.durationNanos()).isEqualTo(2_000_000);
              assertThat(s.socket().remote(s.kind())).isEqualTo(new Endpoint("10.0.0.9", 5432));
            });
  }

  @Test
  void readsLengthPrefixedFrames() throws IOException {
    byte[] bytes =
        framed(
            request(resourceSpans(span("eee19b7ec3c1b174"))),
            request(resourceSpans(span("eee19b7ec3c1b175"), span("eee19b7ec3c1b176"))));
    assertThat(bytes[0]).isEqualTo((byte) 0);

    ReadSummary summary = read(bytes);

    assertThat(rejects).isEmpty();
    assertThat(spans).hasSize(3);
    assertThat(summary).isEqualTo(new ReadSummary(2, 3, 0, 0));
  }

  @Test
  void truncatedFrameIsRejectedWithItsNumberAndEarlierSpansKept() throws IOException {
    byte[] bytes =
        framed(
            request(resourceSpans(span("eee19b7ec3c1b174"))),
            request(resourceSpans(span("eee19b7ec3c1b175"))));

    read(Arrays.copyOf(bytes, bytes.length - 5));

    assertThat(spans).extracting(SpanView::spanId).containsExactly("eee19b7ec3c1b174");
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(tuple(2L, RejectReason.TRUNCATED));
  }

  @Test
  void truncatedBareRequestKeepsTheResourceSpansReadBeforeTheCut() throws IOException {
    byte[] bytes =
        request(resourceSpans(span("eee19b7ec3c1b174")), resourceSpans(span("eee19b7ec3c1b175")))
            .toByteArray();

    read(Arrays.copyOf(bytes, bytes.length - 10));

    assertThat(spans).extracting(SpanView::spanId).containsExactly("eee19b7ec3c1b174");
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(tuple(1L, RejectReason.TRUNCATED));
    assertThat(rejects.get(0).message()).contains("resourceSpans element 2");
  }

  @Test
  void badSpansAreRejectedOneByOne() throws IOException {
    Span.Builder shortTraceId =
        span("eee19b7ec3c1b175").setTraceId(ByteString.fromHex("0102030405060708"));
    Span.Builder endBeforeStart = span("eee19b7ec3c1b176").setEndTimeUnixNano(5);
    Span.Builder noStart = span("eee19b7ec3c1b177").clearStartTimeUnixNano();
    Span.Builder badPort = span("eee19b7ec3c1b178").addAttributes(kv("network.peer.port", "http"));

    read(
        framed(
            request(
                resourceSpans(
                    span("eee19b7ec3c1b174"), shortTraceId, endBeforeStart, noStart, badPort))));

    assertThat(spans).extracting(SpanView::spanId).containsExactly("eee19b7ec3c1b174");
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(1L, RejectReason.INVALID_ID),
            tuple(1L, RejectReason.INVALID_VALUE),
            tuple(1L, RejectReason.MISSING_FIELD),
            tuple(1L, RejectReason.INVALID_VALUE));
    assertThat(rejects.get(0).message()).startsWith("traceId");
    assertThat(rejects.get(2).message()).startsWith("startTimeUnixNano");
    assertThat(rejects.get(3).message()).contains("network.peer.port");
  }

  @Test
  void parentIdIsHex() throws IOException {
    read(
        request(
                resourceSpans(
                    span("eee19b7ec3c1b174")
                        .setParentSpanId(ByteString.fromHex("00ff00ff00ff00ff"))))
            .toByteArray());

    assertThat(spans.get(0).parentSpanId()).isEqualTo("00ff00ff00ff00ff");
    assertThat(HEX.parseHex(spans.get(0).parentSpanId())).hasSize(8);
  }

  @Test
  void convertsAnInMemoryRequest() {
    ReadSummary summary =
        reader.convert(
            request(resourceSpans(span("eee19b7ec3c1b174"), span("0000000000000000"))),
            "otlp-grpc",
            spans::add,
            rejects::add);

    assertThat(spans).hasSize(1);
    assertThat(rejects)
        .extracting(Rejection::source, Rejection::line, Rejection::reason)
        .containsExactly(tuple("otlp-grpc", -1L, RejectReason.INVALID_ID));
    assertThat(summary).isEqualTo(new ReadSummary(1, 1, 1, 0));
  }

  @Test
  void emptyInputReadsNothing() throws IOException {
    assertThat(read(new byte[0])).isEqualTo(new ReadSummary(0, 0, 0, 0));
  }
}
