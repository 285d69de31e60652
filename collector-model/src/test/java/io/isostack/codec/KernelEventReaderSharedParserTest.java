package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.clock.ClockConverter;
import io.isostack.model.KernelEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelEventReader#read} decodes runs of lines with one shared parser; this checks that its
 * events, rejections and counts equal those of {@link KernelEventReader#decodeLine} called on each
 * line alone (the per-line decoding it replaced), on awkward inputs and on every fixture.
 */
class KernelEventReaderSharedParserTest {

  private static final String[] LINES = {
    "{\"event.name\":\"clock.sync\",\"host.name\":\"vm\",\"clock\":\"boottime\","
        + "\"time_ns\":434658248498,\"realtime_ns\":1795265544053193000}",
    "{\"event.name\":\"sched.runq_latency\",\"host.name\":\"vm\",\"clock\":\"boottime\","
        + "\"time_ns\":434700112233,\"pid\":42,\"tid\":43,\"comm\":\"java\",\"dur_ns\":1500000}",
    "{\"event.name\":\"block.io_latency\",\"time_ns\":1795265544100000000,\"dev\":\"vda\","
        + "\"dur_ns\":900,\"attrs\":{\"op\":\"W\",\"start\":true}}",
    "{\"event.name\":\"tcp.retransmit\",\"time_ns\":1795265544100000001,\"saddr\":\"10.0.0.1\","
        + "\"sport\":5000,\"daddr\":\"10.0.0.2\",\"dport\":80,\"proto\":\"TCP\"}",
    "  {\"event.name\":\"cpu.throttled\",\"time_ns\":1795265544100000002,"
        + "\"cgroup.path\":\"/kubepods/a\",\"extra\":7}  ",
    "{\"event.name\":\"sched.runq_latency\",\"time_ns\":5,\"dur_ns\":-3}",
    "{\"event.name\":\"no.such\",\"time_ns\":5}",
    "{\"event.name\":\"sched.runq_latency\"}",
    "{\"event.name\":\"sched.runq_latency\",\"time_ns\":1795265544100000003} trailing",
    "{\"event.name\":\"sched.runq_latency\",\"time_ns\":1795265544100000004} {\"a\":1}",
    "{\"event.name\":\"sched.runq_latency\",",
    "\"time_ns\":1795265544100000005}",
    "{\"event.name\":\"sched.runq_latency\",\"time_ns\":1795265544100000006,\"comm\":\"\u00e9t\u00e9\"}",
    "{\"event.name\":\"sched.runq_latency\",\"time_ns\":1795265544100000007,\"comm\":\"\uFFFF\"}",
    "",
    "   ",
    "\t",
    "Attaching 3 probes...",
    "@runq: 17",
    "not json at all",
    "[1, 2)   3 |@@@|",
    "{\"type\": \"attached_probes\", \"data\": {\"probes\": 3}}",
    "{\"type\": \"lost_events\", \"data\": {\"events\": 12}}",
    "{\"type\": \"printf\", \"data\": \"{\\\"event.name\\\":\\\"sched.offcpu\\\","
        + "\\\"time_ns\\\":1795265544100000008,\\\"pid\\\":9,\\\"dur_ns\\\":7}\\n\"}",
    "{\"type\": \"printf\", \"data\": \"not canonical\"}",
    "{\"type\": \"printf\"} x",
    "{\"event.name\":\"producer.lost\",\"time_ns\":1795265544100000009,\"value\":4}",
    "{\"event.name\":\"sched.runq_latency\",\"host.name\":\"other\",\"clock\":\"monotonic\","
        + "\"time_ns\":10}",
    "{}",
    "{\"attrs\":[1]}",
    "{\"event.name\":\"sched.runq_latency\",\"time_ns\":1795265544100000010\r",
    "{\"event.name\":\"sched.runq_latency\",\"time_ns\":1795265544100000011}\r",
    "{\"event.name\":\"sched.runq_latency\",\"time_ns\":1795265544100000012}\r\r",
    "{\"event.name\":\"sched.runq_latency\",\r\"time_ns\":1795265544100000013}",
    "{\"event.name\":\"sched.runq_latency\",\"time_ns\":1795265544100000014,\"nested\":{\"a\":[1,{}]}}",
    "{\"event.name\":\"sched.runq_latency\",\"time_ns\":\"17952655441000000\"}",
    "{\"event.name\":\"sched.runq_latency\",\"time_ns\":1.5}",
    "{",
    "}",
  };

  @Test
  void sharedParserEqualsOneParserPerLineOnShuffledAwkwardLines() throws IOException {
    Random random = new Random(7);
    for (int round = 0; round < 300; round++) {
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      int n = 1 + random.nextInt(60);
      for (int i = 0; i < n; i++) {
        String line = LINES[random.nextInt(LINES.length)];
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(20) == 0) {
          b = new byte[] {'{', '"', 'c', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        }
        text.write(b);
        if (i < n - 1 || random.nextBoolean()) {
          text.write(
              random.nextInt(10) == 0
                  ? "\r\n".getBytes(StandardCharsets.UTF_8)
                  : new byte[] {'\n'});
        }
      }
      assertSame(text.toByteArray());
    }
  }

  @Test
  void sharedParserEqualsOneParserPerLineOnEveryFixture() throws IOException {
    for (String dir : List.of("src/test/resources", "../samples")) {
      Path root = Path.of(dir);
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f :
            files.filter(p -> p.toString().matches(".*\\.(jsonl|ndjson|json|txt|log)$")).toList()) {
          assertSame(Files.readAllBytes(f));
        }
      }
    }
  }

  /**
   * String values come from the decoder's string cache: each must equal what Jackson's tree model
   * decodes, whether it repeats (a cache hit) or not, escaped, non-ASCII or long, on the shared
   * parser and on one line alone, after a byte-order mark too.
   */
  @Test
  void stringValuesEqualJacksonsTreeModel() throws IOException {
    String long256 = "/" + "k".repeat(255);
    List<String> comms =
        List.of(
            "java",
            "",
            "a\\\"b",
            "tab\\there",
            "\\u0041x",
            "\u00e9t\u00e9",
            "\\\\",
            "~\u007f",
            long256,
            long256 + "x",
            "java",
            "jav",
            "javaa",
            long256,
            "a\\\"b");
    ObjectMapper json = new ObjectMapper();
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    text.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < comms.size(); i++) {
      String line =
          "{\"event.name\":\"sched.runq_latency\",\"time_ns\":"
              + (1795265544100000000L + i)
              + ",\"comm\":\""
              + comms.get(i)
              + "\",\"cgroup.path\":\""
              + comms.get(comms.size() - 1 - i)
              + "\",\"attrs\":{\"op\":\""
              + comms.get(i)
              + "\"}}\n";
      JsonNode tree = json.readTree(line);
      expected.add(
          tree.get("comm").asText()
              + "|"
              + tree.get("cgroup.path").asText()
              + "|"
              + tree.get("attrs").get("op").asText());
      text.write(line.getBytes(StandardCharsets.UTF_8));
    }
    Run shared = new Run();
    shared.reader.read(
        new ByteArrayInputStream(text.toByteArray()), "s", shared.events::add, shared.rejects::add);
    assertThat(shared.rejects).isEmpty();
    assertThat(shared.events)
        .extracting(e -> e.comm() + "|" + e.cgroupPath() + "|" + e.attr("op"))
        .containsExactlyElementsOf(expected);
    assertSame(text.toByteArray());
  }

  private static void assertSame(byte[] input) throws IOException {
    Run shared = new Run();
    ReadSummary a =
        shared.reader.read(
            new ByteArrayInputStream(input), "s", shared.events::add, shared.rejects::add);
    Run alone = new Run();
    KernelEventReader.StreamState state = new KernelEventReader.StreamState("s");
    InputStream in = new ByteArrayInputStream(input);
    new LineSplitter(64, KernelEventReader.MAX_LINE_BYTES)
        .split(
            in,
            new LineSplitter.LineHandler() {
              @Override
              public void line(byte[] buf, int off, int len, long lineNo) {
                alone.reader.decodeLine(
                    buf, off, len, state, lineNo, alone.events::add, alone.rejects::add);
              }

              @Override
              public void tooLong(long lineNo, int maxLineBytes) {
                state.tooLong(lineNo, maxLineBytes, alone.rejects::add);
              }
            });
    String what = new String(input, StandardCharsets.UTF_8);
    assertThat(shared.events).as(what).isEqualTo(alone.events);
    assertThat(shared.rejects).as(what).isEqualTo(alone.rejects);
    assertThat(a).as(what).isEqualTo(state.summary());
    assertThat(shared.clocks.conversions()).as(what).isEqualTo(alone.clocks.conversions());
  }

  private static final class Run {
    final ClockConverter clocks = new ClockConverter();
    final KernelEventReader reader = new KernelEventReader(clocks, "default-host");
    final List<KernelEvent> events = new ArrayList<>();
    final List<Rejection> rejects = new ArrayList<>();
  }
}
