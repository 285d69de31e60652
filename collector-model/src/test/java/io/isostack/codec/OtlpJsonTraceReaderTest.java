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
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpJsonTraceReaderTest {

  private static final String TRACE = "0102030405060708090a0b0c0d0e0f10";

  private final OtlpJsonTraceReader reader = new OtlpJsonTraceReader();
  private final List<SpanView> spans = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();

  private ReadSummary read(String text) throws IOException {
    return reader.read(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        "test",
        spans::add,
        rejects::add);
  }

  private ReadSummary resource(String path) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/" + path)) {
      assertThat(in).as(path).isNotNull();
      return reader.read(in, path, spans::add, rejects::add);
    }
  }

  static String span(String spanId, String parent, int kind, String extra) {
    return "{\"traceId\":\""
        + TRACE
        + "\",\"spanId\":\""
        + spanId
        + "\",\"parentSpanId\":\""
        + parent
        + "\",\"name\":\"op\",\"kind\":"
        + kind
        + ",\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"2000\""
        + extra
        + "}";
  }

  static String attr(String key, String valueJson) {
    return "{\"key\":\"" + key + "\",\"value\":" + valueJson + "}";
  }

  static String element(String... spans) {
    return "{\"resource\":{\"attributes\":["
        + attr("service.name", "{\"stringValue\":\"svc\"}")
        + "]},\"scopeSpans\":[{\"spans\":["
        + String.join(",", spans)
        + "]}]}";
  }

  static String request(String... spans) {
    return "{\"resourceSpans\":[" + element(spans) + "]}";
  }

  @Test
  void readsPrettyPrintedDocument() throws IOException {
    ReadSummary summary = resource("otlp/proto_examples_trace.json");

    assertThat(rejects).isEmpty();
    assertThat(spans)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.name()).isEqualTo("I'm a server span");
              assertThat(s.kind()).isEqualTo(SpanKind.SERVER);
              assertThat(s.service()).isEqualTo("my.service");
              assertThat(s.startEpochNanos()).isEqualTo(1544712660000000000L);
              assertThat(s.endEpochNanos()).isEqualTo(1544712661000000000L);
            });
    assertThat(summary.records()).isEqualTo(1);
    assertThat(summary.lines()).isGreaterThanOrEqualTo(49);
  }

  @Test
  void keepsTheSpansThreadName() throws IOException {
    read(
        request(
            span(
                "00f067aa0ba902b7",
                "",
                2,
                ",\"attributes\":["
                    + attr("thread.name", "{\"stringValue\":\"pay-worker-3\"}")
                    + "]")));

    assertThat(rejects).isEmpty();
    assertThat(spans)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.threadName()).isEqualTo("pay-worker-3");
              assertThat(s.socket().isEmpty()).isTrue();
            });
  }

  @Test
  void upperCaseHexIdsAreStoredLowerCase() throws IOException {
    resource("otlp/proto_examples_trace.json");

    SpanView s = spans.get(0);
    assertThat(s.traceId()).isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(s.spanId()).isEqualTo("eee19b7ec3c1b174");
    assertThat(s.parentSpanId()).isEqualTo("eee19b7ec3c1b173");
  }

  @Test
  void hexIdIsNotDecodedAsBase64() throws IOException {
    String id = "5b8efff798038103d269b633813fc60c";
    // The pitfall: 32 hex characters are also valid base64, decoding to 24 wrong bytes.
    byte[] asBase64 = Base64.getDecoder().decode(id);
    assertThat(asBase64).hasSize(24);

    read(request(span("eee19b7ec3c1b174", "", 1, "")).replace(TRACE, id));

    assertThat(spans.get(0).traceId())
        .isEqualTo(id)
        .isNotEqualTo(HexFormat.of().formatHex(asBase64, 0, 16));
  }

  @Test
  void readsCollectorFileExporterLine() throws IOException {
    resource("otlp/SYNTHESISED_collector_fileexporter_traces.jsonl");

    assertThat(rejects).isEmpty();
    assertThat(spans)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.kind()).isEqualTo(SpanKind.CLIENT);
              assertThat(s.service()).isEqualTo("checkout");
              assertThat(s.host()).isEqualTo("node-1");
              assertThat(s.pid()).isEqualTo(4242);
              assertThat(s.containerId()).startsWith("551e161c47d8");
              assertThat(s.podUid()).isEqualTo("1f0c3c9e-2b7d-4c1e-9a55-0d2f3e4a5b6c");
              assertThat(s.parentSpanId()).isEqualTo("2122232425262728");
              assertThat(s.socket().remote(s.kind())).isEqualTo(new Endpoint("127.0.0.1", 18080));
            });
  }

  @Test
  void collectorPdataSampleKeepsGoodSpanAndRejectsTheOneWithEmptyIds() throws IOException {
    resource("otlp/collector_pdata_json_test_expected.json");

    assertThat(spans)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.name()).isEqualTo("testSpan");
              assertThat(s.status()).isEqualTo(SpanStatus.OK);
              assertThat(s.host()).isEqualTo("testHost");
            });
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(tuple(1L, RejectReason.MISSING_FIELD));
    assertThat(rejects.get(0).message()).contains("traceId");
  }

  @Test
  void emptyParentSpanIdIsRoot() throws IOException {
    read(request(span("1112131415161718", "", 2, "")));

    assertThat(spans.get(0).isRoot()).isTrue();
  }

  @Test
  void legacyAndCurrentSocketNamesGiveTheSameEndpoint() throws IOException {
    String current =
        ",\"attributes\":["
            + attr("network.peer.address", "{\"stringValue\":\"::ffff:10.0.0.9\"}")
            + ","
            + attr("network.peer.port", "{\"intValue\":\"5432\"}")
            + "]";
    String legacy =
        ",\"attributes\":["
            + attr("net.sock.peer.addr", "{\"stringValue\":\"10.0.0.9\"}")
            + ","
            + attr("net.peer.port", "{\"intValue\":5432}")
            + "]";

    read(
        request(span("1112131415161718", "", 3, current), span("2122232425262728", "", 3, legacy)));

    assertThat(rejects).isEmpty();
    assertThat(spans)
        .extracting(s -> s.socket().remote(s.kind()))
        .containsExactly(new Endpoint("10.0.0.9", 5432), new Endpoint("10.0.0.9", 5432));
  }

  @Test
  void badSpansAreRejectedOneByOneAndTheOthersKept() throws IOException {
    String badPort = ",\"attributes\":[" + attr("server.port", "{\"intValue\":\"99999\"}") + "]";
    String line =
        request(
            span("1112131415161718", "", 1, ""),
            span("XYZ", "", 1, ""),
            span("2122232425262728", "00", 1, ""),
            span("3132333435363738", "", 1, "").replace("\"2000\"", "\"999\""),
            span("4142434445464748", "", 3, badPort),
            span("5152535455565758", "", 1, ""));

    read(line + "\n");

    assertThat(spans)
        .extracting(SpanView::spanId)
        .containsExactly("1112131415161718", "5152535455565758");
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(1L, RejectReason.INVALID_ID),
            tuple(1L, RejectReason.INVALID_ID),
            tuple(1L, RejectReason.INVALID_VALUE),
            tuple(1L, RejectReason.INVALID_VALUE));
    assertThat(rejects)
        .extracting(Rejection::message)
        .satisfiesExactly(
            m -> assertThat(m).startsWith("spanId"),
            m -> assertThat(m).startsWith("parentSpanId"),
            m -> assertThat(m).startsWith("endTimeUnixNano"),
            m -> assertThat(m).contains("server.port"));
  }

  @Test
  void invalidJsonLineIsRejectedAndFollowingLinesRead() throws IOException {
    String good = request(span("1112131415161718", "", 1, ""));
    ReadSummary summary =
        read(good + "\n" + good.substring(0, good.length() - 7) + "\n\n" + good + "\n");

    assertThat(spans).hasSize(2);
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(tuple(2L, RejectReason.INVALID_JSON));
    assertThat(summary).isEqualTo(new ReadSummary(4, 2, 1, 0));
  }

  @Test
  void logsAndMetricsLinesAreSkippedWithoutRejection() throws IOException {
    String good = request(span("1112131415161718", "", 1, ""));

    read("\n{\"resourceLogs\":[{\"scopeLogs\":[]}]}\n" + good + "\n{\"resourceMetrics\":[]}\n");

    assertThat(rejects).isEmpty();
    assertThat(spans).hasSize(1);
  }

  @Test
  void numbersAndStringsAreBothAcceptedFor64BitIntegers() throws IOException {
    String s =
        span("1112131415161718", "", 2, ",\"status\":{\"code\":2}")
            .replace("\"1000\"", "1795265544053193000")
            .replace("\"2000\"", "\"1795265544053193001\"");

    read(request(s));

    assertThat(spans.get(0).startEpochNanos()).isEqualTo(1795265544053193000L);
    assertThat(spans.get(0).endEpochNanos()).isEqualTo(1795265544053193001L);
    assertThat(spans.get(0).status()).isEqualTo(SpanStatus.ERROR);
  }

  @Test
  void documentModeRejectsWithTheLineOfTheResourceSpansElement() throws IOException {
    String doc =
        "{\n  \"resourceSpans\": [\n"
            + "    "
            + element(span("1112131415161718", "", 1, ""))
            + ",\n"
            + "    {\"scopeSpans\":[{\"spans\":["
            + span("XYZ", "", 1, "")
            + "]}]}\n  ]\n}\n";

    ReadSummary summary = read(doc);

    assertThat(spans).hasSize(1);
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(tuple(4L, RejectReason.INVALID_ID));
    assertThat(summary.lines()).isGreaterThanOrEqualTo(6);
  }

  @Test
  void truncatedDocumentKeepsSpansReadBeforeTheBreak() throws IOException {
    String doc =
        "{\n\"resourceSpans\": [\n"
            + element(span("1112131415161718", "", 1, ""))
            + ",\n{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"01";

    read(doc);

    assertThat(spans).hasSize(1);
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(tuple(4L, RejectReason.INVALID_JSON));
  }
}
