package io.isostack.correlator.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.isostack.clock.ClockConverter;
import io.isostack.codec.OtlpProtoTraceReader;
import io.isostack.codec.ReadContext;
import io.isostack.codec.ReadSummary;
import io.isostack.codec.RejectReason;
import io.isostack.codec.Rejection;
import io.isostack.codec.SkipReason;
import io.isostack.correlator.receiver.ReceiveTally.Channel;
import io.isostack.correlator.testing.OtlpJsonRequests;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link LiveIngest#traces}, which decodes a request's bytes straight into span views, against what
 * the receivers did before: {@code ExportTraceServiceRequest.parseFrom} then {@link
 * OtlpProtoTraceReader#convert}. Same spans, same rejections and counts, same answers for bytes
 * that are not a request, over gRPC and over HTTP (a body inside a larger, reused buffer).
 */
class LiveIngestTracesProtoTest {

  private final Capture consumer = new Capture();
  private final RejectTally tally = new RejectTally(System::nanoTime);
  private final LiveIngest ingest =
      new LiveIngest(
          consumer, consumer, ReadContext.of(new ClockConverter(), "h", Clock.systemUTC()), tally);

  @Test
  void everySampleRequestGivesTheSpansAndCountsOfParseFromAndConvert() throws IOException {
    int spans = 0;
    for (Path file : sampleTraceFiles()) {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          byte[] request = OtlpJsonRequests.traces(line).toByteArray();
          assertSameAsConvert(request, OtlpTransport.GRPC);
          assertSameAsConvert(request, OtlpTransport.HTTP);
          spans += consumer.spans.size();
        }
      }
    }
    assertThat(spans).isGreaterThan(1000);
  }

  @Test
  void unusualContentGivesTheSpansAndCountsOfParseFromAndConvert() throws IOException {
    Span good = span("00000000000000a1", ByteString.EMPTY).build();
    Span selfParent = span("00000000000000a2", ByteString.fromHex("00000000000000a2")).build();
    Span shortTraceId = good.toBuilder().setTraceId(ByteString.fromHex("0102")).build();
    Span zeroSpanId = good.toBuilder().setSpanId(ByteString.copyFrom(new byte[8])).build();
    Span withUnknown =
        Span.parseFrom(good.toByteString().concat(unknownFields()).toByteArray()).toBuilder()
            .setSpanId(ByteString.fromHex("00000000000000a3"))
            .build();
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(ResourceSpans.getDefaultInstance()) // empty
            .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope(good))) // no resource
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(kv("service.name", "backend"))
                            .addAttributes(kv("host.name", "node-1")))
                    .addScopeSpans(scope(selfParent, shortTraceId, zeroSpanId, withUnknown)))
            .build();
    byte[] bytes = request.toByteString().concat(unknownFields()).toByteArray();

    IngestResult r = assertSameAsConvert(bytes, OtlpTransport.GRPC);
    assertThat(r.accepted()).isEqualTo(3);
    assertThat(r.rejected()).isEqualTo(2);
    assertThat(r.message()).contains(RejectReason.INVALID_ID);
    assertSameAsConvert(bytes, OtlpTransport.HTTP);
    // the self-parent span, read as a root, is counted once per request
    assertThat(tally.skippedCount(SkipReason.SELF_PARENT)).isEqualTo(2);
  }

  @Test
  void bytesThatAreNotARequestAreOneInvalidProtobufRejection() {
    byte[] truncated = {0x0a, 0x10, 0x12};
    for (OtlpTransport transport : OtlpTransport.values()) {
      long before = tally.count(RejectReason.INVALID_PROTOBUF);
      IngestResult r = ingest.traces(truncated, truncated.length, transport, "t");
      assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.INVALID);
      assertThat(r.message()).contains("is not a valid protobuf message");
      assertThat(tally.count(RejectReason.INVALID_PROTOBUF)).isEqualTo(before + 1);
      assertThat(consumer.spans).isEmpty();
    }
    assertThat(ingest.received().bytes(Channel.OTLP_GRPC_SPANS)).isZero();
    assertThat(ingest.traces(new byte[0], 0, OtlpTransport.GRPC, "t").outcome())
        .isEqualTo(IngestResult.Outcome.ACCEPTED); // an empty request: nothing to take
  }

  @Test
  void theWriteAheadLogStoresTheRequestsOwnBytes() throws IOException {
    byte[] request = OtlpJsonRequests.traces(firstSampleLine()).toByteArray();
    List<byte[]> stored = new ArrayList<>();
    ingest.writeAhead(
        (kind, format, body, maxEnd, offer) -> {
          assertThat(kind).isEqualTo(WriteAheadLog.Kind.TRACES_PROTO);
          stored.add(body.get());
          return offer.test(1) ? WriteAheadLog.Outcome.ACCEPTED : WriteAheadLog.Outcome.REFUSED;
        });
    ingest.traces(request, request.length, OtlpTransport.GRPC, "t");
    byte[] pooled = Arrays.copyOf(request, request.length + 100);
    ingest.traces(pooled, request.length, OtlpTransport.HTTP, "t");
    assertThat(stored).hasSize(2);
    assertThat(stored.get(0)).isSameAs(request);
    assertThat(stored.get(1)).isEqualTo(request);
  }

  /**
   * Ingests {@code request} over {@code transport} (over HTTP inside a larger buffer whose other
   * bytes are not part of it) and checks it against {@code parseFrom} then {@code convert}.
   */
  private IngestResult assertSameAsConvert(byte[] request, OtlpTransport transport)
      throws IOException {
    List<SpanView> expected = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    ReadSummary s =
        new OtlpProtoTraceReader()
            .convert(
                ExportTraceServiceRequest.parseFrom(request), "t", expected::add, rejections::add);
    byte[] body = request;
    if (transport == OtlpTransport.HTTP) {
      body = Arrays.copyOf(request, request.length + 7);
      Arrays.fill(body, request.length, body.length, (byte) 0x0a);
    }
    Channel channel =
        transport == OtlpTransport.GRPC ? Channel.OTLP_GRPC_SPANS : Channel.OTLP_HTTP_SPANS;
    long bytesBefore = ingest.received().bytes(channel);
    long selfParentBefore = tally.skippedCount(SkipReason.SELF_PARENT);
    consumer.spans.clear();

    IngestResult r = ingest.traces(body, request.length, transport, "t");

    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.ACCEPTED);
    assertThat(consumer.spans).isEqualTo(expected);
    assertThat(r.accepted()).isEqualTo(s.records());
    assertThat(r.rejected()).isEqualTo(s.rejected());
    assertThat(r.errors()).isEqualTo(rejections.subList(0, Math.min(5, rejections.size())));
    assertThat(r.skipped()).isEmpty(); // an OTLP answer has no skip counts; the tally has them
    assertThat(tally.skippedCount(SkipReason.SELF_PARENT) - selfParentBefore)
        .isEqualTo(s.skipped().getOrDefault(SkipReason.SELF_PARENT, 0L));
    assertThat(ingest.received().bytes(channel) - bytesBefore).isEqualTo(request.length);
    return r;
  }

  private static Span.Builder span(String spanIdHex, ByteString parent) {
    return Span.newBuilder()
        .setTraceId(ByteString.fromHex("5b8efff798038103d269b633813fc60c"))
        .setSpanId(ByteString.fromHex(spanIdHex))
        .setParentSpanId(parent)
        .setName("GET /a")
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(1_772_445_600_000_000_000L)
        .setEndTimeUnixNano(1_772_445_600_005_000_000L)
        .addAttributes(kv("network.peer.address", "10.0.0.7"));
  }

  private static ScopeSpans scope(Span... spans) {
    return ScopeSpans.newBuilder().addAllSpans(Arrays.asList(spans)).build();
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  /** Fields 90 (varint) and 91 (bytes), which no OTLP message defines. */
  private static ByteString unknownFields() throws IOException {
    ByteString.Output out = ByteString.newOutput();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    c.writeUInt64(90, 12345);
    c.writeBytes(91, ByteString.copyFromUtf8("unknown"));
    c.flush();
    return out.toByteString();
  }

  private static List<Path> sampleTraceFiles() throws IOException {
    try (Stream<Path> s = Files.walk(Path.of("../samples/data"))) {
      List<Path> files =
          s.filter(p -> p.getFileName().toString().equals("traces.jsonl")).sorted().toList();
      assertThat(files).hasSizeGreaterThanOrEqualTo(10);
      return files;
    }
  }

  private static String firstSampleLine() throws IOException {
    return Files.readAllLines(sampleTraceFiles().get(0)).get(0);
  }

  /** Keeps the spans of the last request. */
  private static final class Capture implements SpanConsumer, EventConsumer {
    final List<SpanView> spans = new ArrayList<>();

    @Override
    public boolean offerSpans(Collection<SpanView> batch) {
      spans.addAll(batch);
      return true;
    }

    @Override
    public boolean offerEvents(Collection<KernelEvent> events) {
      return true;
    }

    @Override
    public void putEvents(Collection<KernelEvent> events) {}
  }
}
