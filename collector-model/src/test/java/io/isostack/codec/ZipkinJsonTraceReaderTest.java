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

class ZipkinJsonTraceReaderTest {
  private static final String FIXTURE = "zipkin/SYNTHESISED_zipkin_v2_trace.json";
  private static final String TRACE = "00000000000000005af7183fb1d4cf5f";

  private final ZipkinJsonTraceReader reader = new ZipkinJsonTraceReader();
  private final List<SpanView> spans = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();

  private ReadSummary read(String text) throws IOException {
    return reader.read(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        "test",
        spans::add,
        rejects::add);
  }

  private String fixture() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/" + FIXTURE)) {
      assertThat(in).as(FIXTURE).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String span(String id, String parentId, String extra) {
    return "{\"traceId\":\"5af7183fb1d4cf5f\",\"id\":\""
        + id
        + "\""
        + (parentId == null ? "" : ",\"parentId\":\"" + parentId + "\"")
        + ",\"name\":\"op\",\"timestamp\":1000,\"duration\":10"
        + extra
        + "}";
  }

  @Test
  void readsAListOfSpans() throws IOException {
    ReadSummary summary = read(fixture());

    assertThat(rejects).isEmpty();
    assertThat(summary.records()).isEqualTo(3);
    assertThat(spans)
        .extracting(
            SpanView::traceId,
            SpanView::spanId,
            SpanView::parentSpanId,
            SpanView::kind,
            SpanView::service,
            SpanView::status)
        .containsExactly(
            tuple(TRACE, "6b221d5bc9e6496c", null, SpanKind.SERVER, "frontend", SpanStatus.UNSET),
            tuple(
                TRACE,
                "352bff9a74ca9ad2",
                "6b221d5bc9e6496c",
                SpanKind.CLIENT,
                "frontend",
                SpanStatus.ERROR),
            tuple(
                TRACE,
                "1b6a4e0c3a5d0f21",
                "352bff9a74ca9ad2",
                SpanKind.SERVER,
                "backend",
                SpanStatus.OK));
    SpanView root = spans.get(0);
    assertThat(root.startEpochNanos()).isEqualTo(1_795_265_544_050_000_000L);
    assertThat(root.durationNanos()).isEqualTo(207_000_000L);
    assertThat(root.host()).isEqualTo("node-1");
    assertThat(root.pid()).isEqualTo(4242);
    assertThat(root.socket().local(SpanKind.SERVER)).isEqualTo(new Endpoint("10.0.0.5", 8080));
    assertThat(root.socket().remote(SpanKind.SERVER)).isEqualTo(new Endpoint("10.0.0.9", 51234));
    assertThat(spans.get(1).socket().remote(SpanKind.CLIENT))
        .isEqualTo(new Endpoint("10.0.0.7", 9000));
    SpanView backend = spans.get(2);
    assertThat(backend.containerId())
        .isEqualTo("551e161c47d8ff0eb665438a7bcd5b4e3ef5a297282b40a92b7c77d6bd168eb3");
    assertThat(backend.socket().local(SpanKind.SERVER))
        .isEqualTo(new Endpoint("2001:db8::7", 9000));
  }

  @Test
  void readsTheListOfTracesTheQueryApiReturns() throws IOException {
    ReadSummary summary =
        read("[[" + span("0000000000000001", null, "") + "],[" + span("2", "1", "") + "]]");

    assertThat(rejects).isEmpty();
    assertThat(summary.records()).isEqualTo(2);
    assertThat(spans.get(1).spanId()).isEqualTo("0000000000000002");
    assertThat(spans.get(1).parentSpanId()).isEqualTo("0000000000000001");
    assertThat(spans.get(0).kind()).isEqualTo(SpanKind.INTERNAL);
  }

  @Test
  void aSpanThatIsItsOwnParentIsReadAsARootAndCounted() throws IOException {
    ReadSummary summary = read("[" + span("0000000000000001", "0000000000000001", "") + "]");

    assertThat(rejects).isEmpty();
    assertThat(spans).singleElement().satisfies(s -> assertThat(s.isRoot()).isTrue());
    assertThat(summary.skipped()).containsExactly(java.util.Map.entry("self-parent", 1L));
  }

  @Test
  void isDetectedFromTheContentButAnObjectIsNot() throws IOException {
    byte[] head = fixture().getBytes(StandardCharsets.UTF_8);
    assertThat(FormatReaders.detect(InputHead.of(head, head.length)).format())
        .isSameAs(FormatReaders.trace("zipkin"));
    byte[] object = span("1", null, "").getBytes(StandardCharsets.UTF_8);
    assertThat(FormatReaders.detect(InputHead.of(object, object.length)).format())
        .isNotSameAs(FormatReaders.trace("zipkin"));
  }

  @Test
  void rejectsEachBadSpanAloneWithItsLine() throws IOException {
    ReadSummary summary =
        read(
            "[\n"
                + span("0000000000000001", null, "")
                + ",\n"
                + span("zz", null, "")
                + ",\n"
                + span("0000000000000003", null, ",\"timestamp\":null")
                + ",\n"
                + span("0000000000000004", null, ",\"kind\":\"SIDEWAYS\"")
                + ",\n"
                + span("0000000000000005", null, ",\"duration\":-3")
                + ",\n"
                + span("0000000000000006", null, ",\"tags\":{\"process.pid\":\"many\"}")
                + ",\n"
                + span("0000000000000007", "1", "")
                + "\n]");

    assertThat(summary.records()).isEqualTo(2);
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(3L, RejectReason.INVALID_ID),
            tuple(4L, RejectReason.MISSING_FIELD),
            tuple(5L, RejectReason.INVALID_VALUE),
            tuple(6L, RejectReason.INVALID_VALUE),
            tuple(7L, RejectReason.INVALID_VALUE));
    assertThat(rejects.get(0).message()).isEqualTo("span zz: id is not hex: '00000000000000zz'");
    assertThat(rejects.get(2).message()).contains("kind is not a span kind: 'SIDEWAYS'");
    assertThat(rejects.get(4).message()).contains("process.pid");
  }

  @Test
  void aTruncatedFileKeepsTheSpansBeforeTheCut() throws IOException {
    String text = fixture();
    ReadSummary summary = read(text.substring(0, text.indexOf("\"1b6a4e0c3a5d0f21\"")));

    assertThat(summary.records()).isEqualTo(2);
    assertThat(rejects)
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo(RejectReason.INVALID_JSON));
  }

  @Test
  void aValueThatIsNoSpanIsRejected() throws IOException {
    read("[" + span("0000000000000001", null, "") + ", 7]");

    assertThat(spans).hasSize(1);
    assertThat(rejects).extracting(Rejection::reason).containsExactly(RejectReason.INVALID_VALUE);
  }
}
