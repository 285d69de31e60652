package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.isostack.model.SpanView;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The framed reader's and the live path's straight decoding ({@link OtlpProtoSpanDecoder}, {@link
 * OtlpProtoTraceReader#decode}) against the straightforward path: {@code
 * ExportTraceServiceRequest.parseFrom} and {@link OtlpProtoTraceReader#convert}. Each must give the
 * same spans and the same rejections, for the samples, for generated requests, for their
 * truncations and bit flips, and for the malformed messages protobuf itself refuses.
 */
class OtlpProtoSpanDecoderTest {

  private final OtlpProtoTraceReader reader = new OtlpProtoTraceReader();

  /** What a path gives for one message: spans, then rejections as "reason: message". */
  private record Outcome(List<SpanView> spans, List<String> rejections) {}

  private Outcome decoded(byte[] message) throws IOException {
    ByteArrayOutputStream framed = new ByteArrayOutputStream();
    framed.write(ByteBuffer.allocate(4).putInt(message.length).array());
    framed.write(message);
    List<SpanView> spans = new ArrayList<>();
    List<String> rejections = new ArrayList<>();
    reader.read(
        new ByteArrayInputStream(framed.toByteArray()),
        "t",
        spans::add,
        r -> rejections.add(r.reason() + ": " + r.message()));
    return new Outcome(spans, rejections);
  }

  private Outcome parsedAndConverted(byte[] message) {
    List<SpanView> spans = new ArrayList<>();
    List<String> rejections = new ArrayList<>();
    try {
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(message);
      reader.convert(
          request, "t", spans::add, r -> rejections.add(r.reason() + ": " + r.message()));
    } catch (InvalidProtocolBufferException e) {
      BadRecord b = OtlpProtoTraceReader.failure(e, "message");
      rejections.add(b.reason() + ": " + b.getMessage());
    }
    return new Outcome(spans, rejections);
  }

  /**
   * What the live path ({@link OtlpProtoTraceReader#decode}, its decoder reused on this thread
   * across all the tests' messages) gives for the message placed inside a larger buffer; its
   * summary must be the one {@code convert} returns for the same bytes.
   */
  private Outcome liveDecoded(byte[] message) {
    byte[] buf = new byte[message.length + 5];
    Arrays.fill(buf, (byte) 0xff);
    System.arraycopy(message, 0, buf, 3, message.length);
    List<SpanView> spans = new ArrayList<>();
    List<String> rejections = new ArrayList<>();
    try {
      ReadSummary s =
          reader.decode(
              buf,
              3,
              message.length,
              "t",
              spans::add,
              r -> rejections.add(r.reason() + ": " + r.message()));
      ReadSummary converted =
          reader.convert(ExportTraceServiceRequest.parseFrom(message), "t", v -> {}, r -> {});
      assertThat(s).isEqualTo(converted);
    } catch (InvalidProtocolBufferException e) {
      assertThat(spans).isEmpty();
      assertThat(rejections).isEmpty();
      BadRecord b = OtlpProtoTraceReader.failure(e, "message");
      rejections.add(b.reason() + ": " + b.getMessage());
    }
    return new Outcome(spans, rejections);
  }

  private void assertSame(byte[] message) throws IOException {
    Outcome expected = parsedAndConverted(message);
    assertThat(decoded(message)).isEqualTo(expected);
    assertThat(liveDecoded(message)).isEqualTo(expected);
  }

  @Test
  void everySampleLineGivesTheSameSpans() throws IOException {
    int spans = 0;
    List<Path> files = SampleTraces.files();
    assertThat(files).hasSizeGreaterThanOrEqualTo(10);
    for (Path file : files) {
      for (String line : SampleTraces.lines(file)) {
        byte[] message = SampleTraces.request(line).toByteArray();
        Outcome o = decoded(message);
        Outcome expected = parsedAndConverted(message);
        assertThat(o).as(file + ": " + line).isEqualTo(expected);
        assertThat(liveDecoded(message)).as(file + ": " + line).isEqualTo(expected);
        spans += o.spans().size();
      }
    }
    assertThat(spans).isGreaterThan(1000);
  }

  @Test
  void generatedRequestsTheirTruncationsAndBitFlipsGiveTheSameResult() throws IOException {
    SplittableRandom r = new SplittableRandom(20261202);
    for (int i = 0; i < 300; i++) {
      byte[] message = request(r).toByteArray();
      assertSame(message);
      for (int m = 0; m < 10; m++) {
        byte[] cut = Arrays.copyOf(message, r.nextInt(message.length + 1));
        assertSame(cut);
        byte[] flipped = message.clone();
        flipped[r.nextInt(flipped.length)] ^= (byte) (1 << r.nextInt(8));
        assertSame(flipped);
      }
    }
  }

  @Test
  void fieldsInAnyOrderAndRepeatedMessagesMergeAsInParseFrom() throws IOException {
    SplittableRandom r = new SplittableRandom(7);
    ResourceSpans a = resourceSpans(r);
    ResourceSpans b = resourceSpans(r);
    // Scope spans before the resource; a second resource merged into the first; a span whose
    // status, ids and attributes come twice.
    ByteString reversed =
        ResourceSpans.newBuilder()
            .addAllScopeSpans(a.getScopeSpansList())
            .build()
            .toByteString()
            .concat(ResourceSpans.newBuilder().setResource(a.getResource()).build().toByteString())
            .concat(ResourceSpans.newBuilder().setResource(b.getResource()).build().toByteString());
    Span s = span(r).build();
    ByteString twice =
        s.toByteString()
            .concat(
                Span.newBuilder()
                    .setStatus(Status.newBuilder().setMessage("again"))
                    .setSpanId(ByteString.fromHex("00000000000000ab"))
                    .addAttributes(kv("network.peer.port", AnyValue.newBuilder().setIntValue(1)))
                    .build()
                    .toByteString());
    ByteString scope = field(1, InstrumentationScope.getDefaultInstance().toByteString());
    ByteString rsWithTwice = field(2, scope.concat(field(2, twice)));
    byte[] message = field(1, reversed).concat(field(1, rsWithTwice)).toByteArray();

    assertThat(decoded(message).spans()).isNotEmpty();
    assertSame(message);
  }

  @Test
  void malformedMessagesAreRefusedAsParseFromRefusesThem() throws IOException {
    Span good = span(new SplittableRandom(3)).build();
    byte[] badUtf8 = {(byte) 0xc3, (byte) 0x28};
    // Bad UTF-8 in the parts the decoder does not keep: scope name, event name, trace state.
    ByteString badScope = field(1, field(1, ByteString.copyFrom(badUtf8)));
    ByteString badEvent =
        good.toByteString().concat(field(11, field(2, ByteString.copyFrom(badUtf8))));
    ByteString badState = good.toByteString().concat(field(3, ByteString.copyFrom(badUtf8)));
    for (ByteString scopeSpans :
        List.of(
            badScope.concat(field(2, good.toByteString())),
            field(2, badEvent),
            field(2, badState),
            field(2, good.toByteString().concat(endGroup(40))))) {
      assertSame(field(1, field(2, scopeSpans)).toByteArray());
    }
    assertSame(field(1, field(2, field(2, good.toByteString()))).concat(endGroup(5)).toByteArray());
  }

  @Test
  void nestingIsLimitedAtTheSameDepthAsParseFrom() throws IOException {
    Span good = span(new SplittableRandom(5)).build();
    for (int levels = 25; levels <= 40; levels++) {
      AnyValue v = AnyValue.newBuilder().setStringValue("leaf").build();
      for (int i = 0; i < levels; i++) {
        v =
            AnyValue.newBuilder()
                .setKvlistValue(KeyValueList.newBuilder().addValues(kv("k", v.toBuilder())))
                .build();
      }
      Span deep = good.toBuilder().addAttributes(kv("deep", v.toBuilder())).build();
      assertSame(request(deep).toByteArray());
      Resource resource = Resource.newBuilder().addAttributes(kv("deep", v.toBuilder())).build();
      assertSame(
          ExportTraceServiceRequest.newBuilder()
              .addResourceSpans(
                  ResourceSpans.newBuilder()
                      .setResource(resource)
                      .addScopeSpans(ScopeSpans.newBuilder().addSpans(good)))
              .build()
              .toByteArray());
    }
    for (int groups = 90; groups <= 102; groups++) {
      ByteString nested = groups(groups);
      assertSame(request(good).toByteString().concat(nested).toByteArray());
      assertSame(field(1, field(2, field(2, good.toByteString().concat(nested)))).toByteArray());
    }
  }

  private static ExportTraceServiceRequest request(Span span) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span)))
        .build();
  }

  static ExportTraceServiceRequest request(SplittableRandom r) {
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    for (int i = r.nextInt(1, 4); i > 0; i--) {
      b.addResourceSpans(resourceSpans(r));
    }
    return b.build();
  }

  private static ResourceSpans resourceSpans(SplittableRandom r) {
    Resource.Builder res = Resource.newBuilder();
    String[] keys = {
      "service.name",
      "host.name",
      "container.id",
      "k8s.pod.uid",
      "process.executable.name",
      "network.peer.address",
      "net.host.name",
      "service.version"
    };
    for (String key : keys) {
      if (r.nextInt(3) > 0) {
        res.addAttributes(kv(key, value(r)));
      }
    }
    switch (r.nextInt(4)) {
      case 0 ->
          res.addAttributes(
              kv("process.pid", AnyValue.newBuilder().setIntValue(r.nextInt(100_000))));
      case 1 -> res.addAttributes(kv("process.pid", AnyValue.newBuilder().setStringValue("x1")));
      case 2 -> res.addAttributes(kv("process.pid", AnyValue.newBuilder().setIntValue(-1)));
      default -> {}
    }
    ResourceSpans.Builder rs =
        ResourceSpans.newBuilder().setSchemaUrl("https://opentelemetry.io/schemas/1.24.0");
    if (r.nextInt(5) > 0) {
      rs.setResource(res);
    }
    for (int s = r.nextInt(0, 3); s >= 0; s--) {
      ScopeSpans.Builder scope =
          ScopeSpans.newBuilder()
              .setScope(
                  InstrumentationScope.newBuilder()
                      .setName("io.opentelemetry.tomcat-10.0")
                      .setVersion("2.10.0")
                      .addAttributes(kv("a", value(r))));
      for (int n = r.nextInt(0, 6); n > 0; n--) {
        scope.addSpans(span(r));
      }
      rs.addScopeSpans(scope);
    }
    return rs.build();
  }

  private static Span.Builder span(SplittableRandom r) {
    Span.Builder s =
        Span.newBuilder()
            .setTraceId(id(r, r.nextInt(20) == 0 ? r.nextInt(0, 20) : 16))
            .setSpanId(id(r, r.nextInt(20) == 0 ? r.nextInt(0, 10) : 8))
            .setName(r.nextBoolean() ? "POST /pay" : "ünïcode ✓")
            .setKindValue(r.nextInt(20) == 0 ? 9 : r.nextInt(6))
            .setFlags(r.nextInt())
            .setTraceState(r.nextBoolean() ? "" : "k=v");
    if (r.nextBoolean()) {
      s.setParentSpanId(id(r, r.nextInt(10) == 0 ? r.nextInt(0, 10) : 8));
    } else if (r.nextInt(10) == 0) {
      s.setParentSpanId(s.getSpanId()); // its own parent
    }
    long start = r.nextInt(20) == 0 ? 0 : 1_772_445_600_000_000_000L + r.nextInt(1_000_000);
    long end = start + r.nextInt(-1000, 5_000_000);
    s.setStartTimeUnixNano(r.nextInt(50) == 0 ? -5 : start).setEndTimeUnixNano(end);
    if (r.nextBoolean()) {
      s.setStatus(Status.newBuilder().setCodeValue(r.nextInt(4)).setMessage("m"));
    }
    String[] keys = {
      "thread.name",
      "network.peer.address",
      "network.peer.port",
      "server.port",
      "net.peer.name",
      "net.peer.port",
      "client.address",
      "network.transport",
      "network.type",
      "http.route",
      "http.response.status_code",
      ""
    };
    for (int a = r.nextInt(0, 10); a > 0; a--) {
      s.addAttributes(kv(keys[r.nextInt(keys.length)], value(r)));
    }
    if (r.nextInt(4) == 0) {
      s.addEvents(
          Span.Event.newBuilder()
              .setName("exception")
              .setTimeUnixNano(5)
              .addAttributes(kv("e", value(r))));
    }
    if (r.nextInt(4) == 0) {
      s.addLinks(
          Span.Link.newBuilder().setTraceId(id(r, 16)).setSpanId(id(r, 8)).setTraceState("a=b"));
    }
    return s;
  }

  private static AnyValue.Builder value(SplittableRandom r) {
    AnyValue.Builder v = AnyValue.newBuilder();
    switch (r.nextInt(9)) {
      case 0 -> v.setStringValue("10.0.0." + r.nextInt(256));
      case 1 -> v.setStringValue(Integer.toString(r.nextInt(70_000)));
      case 2 -> v.setIntValue(r.nextInt(70_000));
      case 3 -> v.setDoubleValue(r.nextBoolean() ? 443.0 : 1.5);
      case 4 -> v.setBoolValue(r.nextBoolean());
      case 5 ->
          v.setArrayValue(
              ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setStringValue("x")));
      case 6 ->
          v.setKvlistValue(
              KeyValueList.newBuilder().addValues(kv("k", AnyValue.newBuilder().setIntValue(1))));
      case 7 -> v.setBytesValue(ByteString.copyFromUtf8("b"));
      default -> {} // empty
    }
    return v;
  }

  private static ByteString id(SplittableRandom r, int bytes) {
    byte[] b = new byte[bytes];
    if (r.nextInt(15) > 0) {
      r.nextBytes(b);
    }
    return ByteString.copyFrom(b);
  }

  private static KeyValue kv(String key, AnyValue.Builder value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  /** A length-delimited field holding {@code body}. */
  private static ByteString field(int number, ByteString body) throws IOException {
    ByteString.Output out = ByteString.newOutput();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    c.writeBytes(number, body);
    c.flush();
    return out.toByteString();
  }

  /** An end-group tag that closes nothing. */
  private static ByteString endGroup(int number) throws IOException {
    ByteString.Output out = ByteString.newOutput();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    c.writeTag(number, WireFormat.WIRETYPE_END_GROUP);
    c.flush();
    return out.toByteString();
  }

  /** An unknown field 99 holding {@code levels} nested groups. */
  private static ByteString groups(int levels) throws IOException {
    ByteString.Output out = ByteString.newOutput();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    for (int i = 0; i < levels; i++) {
      c.writeTag(99, WireFormat.WIRETYPE_START_GROUP);
    }
    for (int i = 0; i < levels; i++) {
      c.writeTag(99, WireFormat.WIRETYPE_END_GROUP);
    }
    c.flush();
    return out.toByteString();
  }
}
