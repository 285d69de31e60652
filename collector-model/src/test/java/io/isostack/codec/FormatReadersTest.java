package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormatReadersTest {
  private final List<KernelEvent> events = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();

  private static String detect(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return name(FormatReaders.detect(InputHead.of(b, b.length)));
  }

  private static String name(FormatReaders.Detected d) {
    return d.format() == null ? null : d.format().name();
  }

  private FormatReaders.Detected detectResource(String path) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/" + path)) {
      byte[] head = in.readNBytes(InputHead.MAX_BYTES);
      return FormatReaders.detect(InputHead.of(head, head.length));
    }
  }

  private ReadSummary read(FormatReader<KernelEvent> f, String path) throws IOException {
    ReadContext context =
        ReadContext.of(new ClockConverter(), "vm", java.time.Clock.systemUTC())
            .withLibbpf(
                new LibbpfToolsReader.Options(
                    LocalDate.of(2026, 8, 1),
                    ZoneOffset.UTC,
                    LibbpfToolsReader.Options.NO_START,
                    0,
                    null));
    try (InputStream in = getClass().getResourceAsStream("/" + path)) {
      RecordStream s = f.open(path, context, events::add, rejects::add);
      s.read(in);
      s.finish();
      return s.summary();
    }
  }

  @Test
  void looksUpNames() {
    assertThat(FormatReaders.trace("otlp-json").name()).isEqualTo("otlp-json");
    assertThat(FormatReaders.trace("otlp-proto").name()).isEqualTo("otlp-proto");
    assertThat(FormatReaders.event("events").name()).isEqualTo("events");
    assertThat(FormatReaders.event("libbpf:runqlat").name()).isEqualTo("libbpf:runqlat");
    assertThat(FormatReaders.event("otlp-json")).isNull();
    assertThat(FormatReaders.byName("nonesuch")).isNull();
  }

  @Test
  void detectsProtobufByFirstByte() {
    assertThat(name(FormatReaders.detect(InputHead.of(new byte[] {0x0A, 0x10}, 2))))
        .isEqualTo("otlp-proto");
    assertThat(name(FormatReaders.detect(InputHead.of(new byte[] {0, 0, 1, 2}, 4))))
        .isEqualTo("otlp-proto");
  }

  @Test
  void detectsOtlpJsonSamples() throws IOException {
    assertThat(name(detectResource("otlp/proto_examples_trace.json"))).isEqualTo("otlp-json");
    assertThat(name(detectResource("otlp/SYNTHESISED_collector_fileexporter_traces.jsonl")))
        .isEqualTo("otlp-json");
  }

  @Test
  void detectsKernelEventsBareAndBpftrace() throws IOException {
    assertThat(name(detectResource("events/canonical_example.jsonl"))).isEqualTo("events");
    assertThat(name(detectResource("bpftrace/bpftrace_json_lost_events.jsonl")))
        .isEqualTo("events");
  }

  @Test
  void unknownContentIsNamedWithTheFormatsItCouldBe() {
    byte[] b = "{\"foo\":1}\n".getBytes(StandardCharsets.UTF_8);
    FormatReaders.Detected d = FormatReaders.detect(InputHead.of(b, b.length));

    assertThat(d.format()).isNull();
    assertThat(d.describe("/tmp/x.json"))
        .startsWith("cannot tell the format from the content ({\"foo\":1})")
        .contains("it could be otlp-json, jaeger, events, tetragon, ig")
        .doesNotContain("libbpf:")
        .endsWith("FORMAT:PATH, e.g. otlp-json:/tmp/x.json");
    assertThat(detect("hello world")).isNull();
  }

  @Test
  void anEmptyInputSaysItIsEmpty() {
    FormatReaders.Detected d = FormatReaders.detect(InputHead.of("\n  \n".getBytes(), 4));

    assertThat(d.format()).isNull();
    assertThat(d.describe("/tmp/e.jsonl")).isEqualTo("the input is empty");
  }

  @Test
  void detectsProducerAdapters() throws IOException {
    assertThat(name(detectResource("tetragon/process_exec_2023.json"))).isEqualTo("tetragon");
    assertThat(name(detectResource("tetragon/export_like.ndjson"))).isEqualTo("tetragon");
    assertThat(name(detectResource("tetragon/process_kprobe_setgid_2023.json")))
        .isEqualTo("tetragon");
    assertThat(name(detectResource("inspektor-gadget/builtin_trace_open_jsonpretty.json")))
        .isEqualTo("ig");
    assertThat(name(detectResource("inspektor-gadget/image_trace_open_jsonpretty.json")))
        .isEqualTo("ig");
    assertThat(detect("[{\"proc\": {\"pid\": 1}}]")).isEqualTo("ig");
  }

  @Test
  void detectsLibbpfToolsFromHeaderOrBanner() throws IOException {
    String[][] cases = {
      {"runqslower", "libbpf:runqslower"},
      {"tcplife", "libbpf:tcplife"},
      {"tcpstates", "libbpf:tcpstates"},
      {"exitsnoop", "libbpf:exitsnoop"},
      {"execsnoop", "libbpf:execsnoop"},
      {"execsnoop_cg", "libbpf:execsnoop"},
      {"runqlat", "libbpf:runqlat"},
      {"runqlat_cg", "libbpf:runqlat"},
      {"biolatency", "libbpf:biolatency"},
      {"biolatency_cg", "libbpf:biolatency"},
      {"cpudist", "libbpf:cpudist"}
    };
    for (String[] c : cases) {
      assertThat(name(detectResource("libbpf-tools/" + c[0] + ".txt"))).as(c[0]).isEqualTo(c[1]);
    }
    assertThat(
            detect("TIME     COMM             TID           LAT(us) PREV COMM        PREV TID\n"))
        .isEqualTo("libbpf:runqslower");
  }

  @Test
  void textStartingWithAnEmptyLineIsNotProtobuf() {
    assertThat(
            detect("\nTIME     COMM             TID           LAT(us) PREV COMM        PREV TID\n"))
        .isEqualTo("libbpf:runqslower");
  }

  @Test
  void readsEveryEventFormatItDetects() throws IOException {
    String[] paths = {
      "events/canonical_example.jsonl",
      "tetragon/export_like.ndjson",
      "inspektor-gadget/ig_lines.jsonl",
      "libbpf-tools/tcplife.txt"
    };
    for (String p : paths) {
      read(FormatReaders.event(detectResource(p).format().name()), p);
    }

    assertThat(events)
        .extracting(KernelEvent::source)
        .contains("tetragon:process_exec", "ig:trace_exec", "libbpf-tools:tcplife");
    assertThat(events).anyMatch(e -> e.name() == EventName.SCHED_RUNQ_LATENCY);
  }

  @Test
  void looksPastProducerNoiseToTheFirstRecord() {
    String canonical = "{\"event.name\":\"log\",\"time_ns\":1}\n";
    assertThat(detect("Attaching 8 probes...\n" + canonical)).isEqualTo("events");
    assertThat(detect("WARNING: Addrspace is not set\nERROR: failed\n\n" + canonical))
        .isEqualTo("events");
    assertThat(detect("^C\n{\"type\": \"lost_events\", \"data\": {\"events\": 3}}\n"))
        .isEqualTo("events");
    assertThat(
            detect(
                "Tracing run queue latency higher than 10000 us\n"
                    + "TIME     COMM             TID           LAT(us)\n"))
        .isEqualTo("libbpf:runqslower");
    assertThat(detect("Tracing process exits... Hit Ctrl-C to end.\n" + canonical))
        .isEqualTo("events");
  }

  @Test
  void anInputOfNoiseOnlySaysSo() {
    byte[] b = "Attaching 3 probes...\n".getBytes(StandardCharsets.UTF_8);
    FormatReaders.Detected d = FormatReaders.detect(InputHead.of(b, b.length));

    assertThat(d.format()).isNull();
    assertThat(d.describe("x.txt"))
        .startsWith("the input holds only producer messages (Attaching 3 probes...)");
  }
}
