package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import io.isostack.model.SpanView;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The JSON reader's streaming decoding ({@link OtlpJsonSpanDecoder}) against its tree reading (the
 * reference, {@link OtlpJsonTraceReader#readLineTree}): the same spans and rejections for every
 * sample line, for generated lines, and for their truncations and byte changes; and the samples and
 * generated lines do take the streaming path.
 */
class OtlpJsonSpanDecoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private record Outcome(List<SpanView> spans, List<Rejection> rejections, ReadSummary summary) {}

  /** The reader's reading of one line: streamed, or from a tree when unusual. */
  private static Outcome read(byte[] line) {
    List<SpanView> spans = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    SpanCounts c = new SpanCounts("t", spans::add, rejections::add);
    c.units = 1;
    new OtlpJsonTraceReader.Lines(c).read(line, 0, line.length, 1);
    return new Outcome(spans, rejections, c.summary());
  }

  /** The tree reading of the same line. */
  private static Outcome tree(byte[] line) {
    List<SpanView> spans = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    SpanCounts c = new SpanCounts("t", spans::add, rejections::add);
    c.units = 1;
    OtlpJsonTraceReader.readLineTree(line, 0, line.length, 1, c);
    return new Outcome(spans, rejections, c.summary());
  }

  private static boolean streams(byte[] line) {
    SpanCounts c = new SpanCounts("t", s -> {}, r -> {});
    return new OtlpJsonTraceReader.Lines(c).decode(line, 0, line.length);
  }

  private static void assertSame(byte[] line) {
    assertThat(read(line)).as(new String(line, StandardCharsets.UTF_8)).isEqualTo(tree(line));
  }

  @Test
  void everySampleLineStreamsAndGivesTheTreesSpans() throws IOException {
    int spans = 0;
    for (Path file : SampleTraces.files()) {
      for (String text : SampleTraces.lines(file)) {
        byte[] line = text.getBytes(StandardCharsets.UTF_8);
        assertThat(streams(line)).as(file + ": " + text).isTrue();
        Outcome o = read(line);
        assertThat(o).as(file + ": " + text).isEqualTo(tree(line));
        spans += o.spans().size();
        // and through the whole reader, from the first line's detection on
        List<SpanView> whole = new ArrayList<>();
        new OtlpJsonTraceReader().read(new ByteArrayInputStream(line), "t", whole::add, rej -> {});
        assertThat(whole).isEqualTo(o.spans());
      }
    }
    assertThat(spans).isGreaterThan(1000);
  }

  @Test
  void everySampleFileReadWholeGivesTheTreesSpansLineByLine() throws IOException {
    for (Path file : SampleTraces.files()) {
      List<SpanView> expected = new ArrayList<>();
      for (String text : SampleTraces.lines(file)) {
        expected.addAll(tree(text.getBytes(StandardCharsets.UTF_8)).spans());
      }
      List<SpanView> whole = new ArrayList<>();
      List<Rejection> rejections = new ArrayList<>();
      try (var in = java.nio.file.Files.newInputStream(file)) {
        new OtlpJsonTraceReader().read(in, file.toString(), whole::add, rejections::add);
      }
      assertThat(whole).as(file.toString()).isEqualTo(expected);
      assertThat(rejections).as(file.toString()).isEmpty();
    }
  }

  @Test
  void generatedLinesTheirTruncationsAndByteChangesGiveTheTreesSpans() throws IOException {
    SplittableRandom r = new SplittableRandom(20261202);
    JsonFormat.Printer printer =
        JsonFormat.printer().printingEnumsAsInts().omittingInsignificantWhitespace();
    int streamed = 0;
    for (int i = 0; i < 300; i++) {
      JsonNode root = JSON.readTree(printer.print(OtlpProtoSpanDecoderTest.request(r)));
      base64IdsToHex(root);
      byte[] line = JSON.writeValueAsBytes(root);
      streamed += streams(line) ? 1 : 0;
      assertSame(line);
      byte[] chars = "0123456789abcdefABCDEF\"{}[],:- nulltrue".getBytes(StandardCharsets.US_ASCII);
      for (int m = 0; m < 10; m++) {
        assertSame(Arrays.copyOf(line, r.nextInt(1, line.length + 1)));
        byte[] changed = line.clone();
        changed[r.nextInt(changed.length)] = chars[r.nextInt(chars.length)];
        assertSame(changed);
      }
    }
    assertThat(streamed).isEqualTo(300);
  }

  @Test
  void unusualShapesAreReadFromTheTree() throws IOException {
    String span =
        "{\"traceId\":\"0102030405060708090a0b0c0d0e0f10\",\"spanId\":\"1112131415161718\","
            + "\"name\":\"op\",\"kind\":2,\"startTimeUnixNano\":\"1000\",\"endTimeUnixNano\":\"2000\"";
    String attrs = ",\"attributes\":[{\"key\":\"network.peer.port\",\"value\":{\"intValue\":1}}]";
    for (String line :
        List.of(
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + span + attrs + attrs + "}]}]}]}",
            "{\"resourceSpans\":[{\"scope_spans\":[{\"spans\":[" + span + "}]}]}]}",
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
                + span.replace("\"kind\":2", "\"kind\":\"SPAN_KIND_SERVER\"")
                + "}]}]}]}",
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
                + span.replace("\"1000\"", "\"x\"")
                + "}]}]}]}",
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
                + span
                + ",\"status\":{\"code\":\"2\"}}]}]}]}",
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
                + span
                + attrs.replace("{\"intValue\":1}", "{\"intValue\":null,\"stringValue\":\"7\"}")
                + "}]}]}]}")) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      assertThat(streams(b)).as(line).isFalse();
      assertSame(b);
    }
  }

  private static void base64IdsToHex(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (String id : List.of("traceId", "spanId", "parentSpanId")) {
        JsonNode v = o.get(id);
        if (v != null && v.isTextual()) {
          o.put(id, HEX.formatHex(Base64.getDecoder().decode(v.asText())));
        }
      }
    }
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      base64IdsToHex(it.next());
    }
  }
}
