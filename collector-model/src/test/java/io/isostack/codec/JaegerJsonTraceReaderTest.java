package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.isostack.model.Endpoint;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanStatus;
import io.isostack.model.SpanView;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JaegerJsonTraceReaderTest {
  private static final String TRACE = "0102030405060708090a0b0c0d0e0f10";

  private final JaegerJsonTraceReader reader = new JaegerJsonTraceReader();
  private final List<SpanView> spans = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();

  private ReadSummary read(String text) throws IOException {
    return reader.read(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        "test",
        spans::add,
        rejects::add);
  }

  private String resourceText(String path) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/" + path)) {
      assertThat(in).as(path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String span(String spanId, String refs, String extra) {
    return "{\"traceID\":\""
        + TRACE
        + "\",\"spanID\":\""
        + spanId
        + "\",\"operationName\":\"op\",\"references\":["
        + refs
        + "],\"startTime\":1795265544053193,\"duration\":2000,\"tags\":[],\"processID\":\"p1\""
        + extra
        + "}";
  }

  static String childOf(String spanId) {
    return "{\"refType\":\"CHILD_OF\",\"traceID\":\"" + TRACE + "\",\"spanID\":\"" + spanId + "\"}";
  }

  static String envelope(String... spans) {
    return "{\"data\":[{\"traceID\":\""
        + TRACE
        + "\",\"spans\":[\n"
        + String.join(",\n", spans)
        + "],\"processes\":{\"p1\":{\"serviceName\":\"svc\",\"tags\":[]}}}]}";
  }

  @Test
  void readsTheQueryApiEnvelope() throws IOException {
    ReadSummary summary = read(resourceText("jaeger/SYNTHESISED_jaeger_api_traces.json"));

    assertThat(rejects).isEmpty();
    assertThat(summary.records()).isEqualTo(1);
    SpanView s = spans.get(0);
    assertThat(s.traceId()).isEqualTo(TRACE);
    assertThat(s.spanId()).isEqualTo("1112131415161718");
    assertThat(s.parentSpanId()).isEqualTo("2122232425262728");
    assertThat(s.kind()).isEqualTo(SpanKind.CLIENT);
    assertThat(s.service()).isEqualTo("checkout");
    assertThat(s.host()).isEqualTo("node-1");
    assertThat(s.pid()).isEqualTo(4242);
    assertThat(s.containerId())
        .isEqualTo("551e161c47d8ff0eb665438a7bcd5b4e3ef5a297282b40a92b7c77d6bd168eb3");
    assertThat(s.startEpochNanos()).isEqualTo(1_795_265_544_053_193_000L);
    assertThat(s.durationNanos()).isEqualTo(2_000_000L);
    assertThat(s.socket().remote(s.kind())).isEqualTo(new Endpoint("127.0.0.1", 18080));
  }

  @Test
  void readsTheUiExportWithShortIdsAndReferencesToOtherTraces() throws IOException {
    read(resourceText("jaeger/jaeger_repo_fixture_ui_01_abridged.json"));

    assertThat(rejects).isEmpty();
    assertThat(spans)
        .extracting(SpanView::traceId, SpanView::spanId, SpanView::parentSpanId, SpanView::service)
        .containsExactly(
            tuple("00000000000000000000000000000001", "0000000000000002", null, "service-x"),
            // CHILD_OF points into another trace and FOLLOWS_FROM is no parent: a root.
            tuple("00000000000000000000000000000001", "0000000000000004", null, "service-y"));
    SpanView first = spans.get(0);
    assertThat(first.status()).isEqualTo(SpanStatus.ERROR);
    assertThat(first.socket().peerAddress()).isEqualTo("0.0.91.160"); // peer.ipv4 = 23456
    assertThat(first.durationNanos()).isEqualTo(5_000L);
  }

  @Test
  void takesProcessTagsOfLegacyClientsAndTheDeprecatedParentField() throws IOException {
    read(
        "{\"traceID\":\"abc\",\"spans\":[{\"traceID\":\"abc\",\"spanID\":\"def\","
            + "\"parentSpanID\":\"12\",\"operationName\":\"GET /pay\",\"startTime\":1000,"
            + "\"duration\":10,\"tags\":[{\"key\":\"span.kind\",\"type\":\"string\","
            + "\"value\":\"server\"},{\"key\":\"net.peer.ip\",\"type\":\"string\","
            + "\"value\":\"10.0.0.9\"},{\"key\":\"net.peer.port\",\"type\":\"int64\","
            + "\"value\":41000}],\"process\":{\"serviceName\":\"backend\",\"tags\":["
            + "{\"key\":\"hostname\",\"type\":\"string\",\"value\":\"node-2\"},"
            + "{\"key\":\"process.pid\",\"type\":\"int64\",\"value\":77}]}}]}");

    assertThat(rejects).isEmpty();
    SpanView s = spans.get(0);
    assertThat(s.traceId()).isEqualTo("00000000000000000000000000000abc");
    assertThat(s.parentSpanId()).isEqualTo("0000000000000012");
    assertThat(s.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(s.host()).isEqualTo("node-2");
    assertThat(s.pid()).isEqualTo(77);
    assertThat(s.socket().remote(SpanKind.SERVER)).isEqualTo(new Endpoint("10.0.0.9", 41000));
  }

  @Test
  void aSpanThatIsItsOwnParentIsReadAsARootAndCounted() throws IOException {
    ReadSummary summary =
        read(
            envelope(
                span("1112131415161718", childOf("1112131415161718"), ""),
                span("2122232425262728", childOf("1112131415161718"), "")));

    assertThat(rejects).isEmpty();
    assertThat(spans).extracting(SpanView::isRoot).containsExactly(true, false);
    assertThat(summary.skipped()).containsExactly(java.util.Map.entry("self-parent", 1L));
  }

  @Test
  void isDetectedFromTheContentOfBothSamples() throws IOException {
    for (String path :
        List.of(
            "jaeger/SYNTHESISED_jaeger_api_traces.json",
            "jaeger/jaeger_repo_fixture_ui_01_abridged.json")) {
      byte[] head = resourceText(path).getBytes(StandardCharsets.UTF_8);
      assertThat(FormatReaders.detect(InputHead.of(head, head.length)).format())
          .as(path)
          .isSameAs(FormatReaders.trace("jaeger"));
    }
    byte[] array = ("[{\"traceID\":\"1\",\"spans\":[]}]").getBytes(StandardCharsets.UTF_8);
    assertThat(FormatReaders.detect(InputHead.of(array, array.length)).format().name())
        .isEqualTo("jaeger");
  }

  @Test
  void readsThroughTheFormatRegistry() throws IOException {
    List<SpanView> viaRegistry = new ArrayList<>();
    RecordStream stream =
        FormatReaders.trace("jaeger")
            .open(
                "test",
                ReadContext.of(
                    new io.isostack.clock.ClockConverter(), "vm", java.time.Clock.systemUTC()),
                viaRegistry::add,
                rejects::add);
    stream.read(
        new ByteArrayInputStream(
            resourceText("jaeger/SYNTHESISED_jaeger_api_traces.json")
                .getBytes(StandardCharsets.UTF_8)));
    stream.finish();

    assertThat(viaRegistry).extracting(SpanView::spanId).containsExactly("1112131415161718");
    assertThat(stream.summary().records()).isEqualTo(1);
  }

  @Test
  void rejectsABadSpanAloneNamingItsPlaceAndField() throws IOException {
    ReadSummary summary =
        read(
            envelope(
                span("1112131415161718", "", ""),
                span("xyz", "", ""),
                span("2122232425262728", childOf("1112131415161718"), ""),
                span("3132333435363738", "", ",\"startTime\":null"),
                span(
                    "4142434445464748",
                    "",
                    ",\"tags\":[{\"key\":\"span.kind\",\"value\":\"x\"}]")));

    assertThat(summary.records()).isEqualTo(2);
    assertThat(summary.rejected()).isEqualTo(3);
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(1L, RejectReason.INVALID_ID),
            tuple(1L, RejectReason.MISSING_FIELD),
            tuple(1L, RejectReason.INVALID_VALUE));
    assertThat(rejects.get(0).message()).startsWith("data[0].spans[1] (spanID xyz): spanID");
    assertThat(rejects.get(1).message()).contains("startTime is missing");
    assertThat(rejects.get(2).message()).contains("span.kind is not a span kind: 'x'");
  }

  @Test
  void aTruncatedFileKeepsTheTracesBeforeTheCut() throws IOException {
    String trace =
        "{\"traceID\":\"" + TRACE + "\",\"spans\":[\n" + span("1112131415161718", "", "");
    // two traces in one envelope, the second cut inside its span
    String cut = "{\"data\":[" + trace + "]}," + trace.substring(0, trace.indexOf("\"duration\""));

    ReadSummary summary = read(cut);

    assertThat(summary.records()).isEqualTo(1);
    assertThat(rejects)
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo(RejectReason.INVALID_JSON));
  }

  @Test
  void readsConcatenatedDocumentsAndArraysOfTraces() throws IOException {
    String trace =
        "{\"traceID\":\"" + TRACE + "\",\"spans\":[" + span("1112131415161718", "", "") + "]}";
    ReadSummary summary =
        read(trace + "\n[" + trace + "," + trace.replace("11121314", "51525354") + "]");

    assertThat(rejects).isEmpty();
    assertThat(summary.records()).isEqualTo(3);
    assertThat(spans.get(0).service()).isEqualTo("unknown_service");
    assertThat(summary.lines()).isEqualTo(2);
  }

  @Test
  void aDocumentThatIsNoObjectIsRejected() throws IOException {
    read("42");

    assertThat(spans).isEmpty();
    assertThat(rejects).extracting(Rejection::reason).containsExactly(RejectReason.INVALID_JSON);
  }
}
