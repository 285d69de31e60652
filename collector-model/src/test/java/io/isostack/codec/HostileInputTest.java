package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inputs a mutation fuzzer found escaping the rejection path: each is a counted rejection. */
class HostileInputTest {

  private static List<String> escapes(byte[] b) {
    return EveryReader.escapes(b);
  }

  @Test
  void lostEventsOfLongMaxValueIsCountedNotThrown() {
    String line = "{\"type\": \"lost_events\", \"data\": {\"events\": 9223372036854775807}}\n";
    assertThat(escapes((line + line).getBytes(StandardCharsets.UTF_8))).isEmpty();
    SpiReads r = new SpiReads();
    assertThat(r.text(line + line).lost()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void runqlatBucketThatOverflowsNanosecondsIsRejected() {
    String text =
        "Tracing run queue latency... Hit Ctrl-C to end.\n"
            + "\n"
            + "     usecs               : count    distribution\n"
            + "         0 -> 1          : 3        |****                                    |\n"
            + " 9223372036854775806 -> 9223372036854775807 : 5 |****|\n"
            + " 9223372036854 -> 9223372036855 : 5 |****|\n"
            + " 2 -> 3 : 9223372036854775807 |****|\n";
    assertThat(escapes(text.getBytes(StandardCharsets.UTF_8))).isEmpty();
    SpiReads r = new SpiReads();
    ReadSummary s =
        r.read(
            FormatReaders.event("libbpf:runqlat"),
            text.getBytes(StandardCharsets.UTF_8),
            "runqlat",
            r.context()
                .withLibbpf(
                    r.context()
                        .libbpf()
                        .withStart(1_700_000_000_000_000_000L)
                        .withInterval(1_000_000_000L)));
    assertThat(r.rejects)
        .extracting(Rejection::reason)
        .containsExactly(RejectReason.INVALID_VALUE, RejectReason.INVALID_VALUE);
    assertThat(s.records()).isEqualTo(2);
  }

  @Test
  void utf32JsonIsRejectedNotThrown() {
    for (String doc :
        new String[] {
          "{\"event.name\":\"sched.offcpu\",\"time_ns\":1,\"pid\":1}\n",
          "{\"resourceSpans\":[]}",
          "{\"resourceLogs\":[]}",
          "[{\"traceId\":\"1\",\"id\":\"2\"}]",
          "{\"data\":[{\"traceID\":\"1\",\"spans\":[]}]}"
        }) {
      for (String cs : new String[] {"UTF-32BE", "UTF-32LE", "UTF-16BE", "UTF-16LE"}) {
        assertThat(escapes(doc.getBytes(Charset.forName(cs)))).as(cs + " " + doc).isEmpty();
      }
    }
  }

  @Test
  void utf32OtlpJsonBodiesAreRejectedNotThrown() throws Exception {
    byte[] traces = utf32WithInvalidCodePoint("{\"resourceSpans\":[");
    List<Rejection> rejects = new ArrayList<>();
    new OtlpJsonTraceReader().read(new ByteArrayInputStream(traces), "http", x -> {}, rejects::add);
    assertThat(rejects).hasSize(1);
    byte[] logs = utf32WithInvalidCodePoint("{\"resourceLogs\":[");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> OtlpLogEventsJson.parse(logs, 0, logs.length))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * UTF-32BE text followed by a code point above U+10FFFF, which Jackson's UTF-32 reader refuses.
   */
  static byte[] utf32WithInvalidCodePoint(String text) {
    byte[] t = text.getBytes(Charset.forName("UTF-32BE"));
    byte[] b = java.util.Arrays.copyOf(t, t.length + 8);
    b[t.length] = 0x7f;
    b[t.length + 1] = (byte) 0xff;
    b[t.length + 2] = (byte) 0xff;
    b[t.length + 3] = (byte) 0xff;
    return b;
  }

  @Test
  void invalidUtf32EverywhereIsRejectedNotThrown() {
    for (String doc :
        new String[] {
          "{\"event.name\":\"sched.offcpu\",",
          "{\"resourceSpans\":[",
          "{\"resourceLogs\":[",
          "[{\"traceId\":\"1\",",
          "{\"data\":[{\"traceID\":\"1\",",
          "{\"process_exec\":{",
          "{\"__REALTIME_TIMESTAMP\":\"1\",",
          "{\"dmesg\":[",
        }) {
      assertThat(escapes(utf32WithInvalidCodePoint(doc))).as(doc).isEmpty();
    }
  }
}
