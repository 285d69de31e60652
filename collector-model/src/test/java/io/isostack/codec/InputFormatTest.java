package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InputFormatTest {

  private static InputFormat detect(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return InputFormat.detect(b, b.length);
  }

  private InputFormat detectResource(String path) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/" + path)) {
      byte[] head = in.readNBytes(4096);
      return InputFormat.detect(head, head.length);
    }
  }

  @Test
  void looksUpCliNames() {
    assertThat(InputFormat.fromName("otlp-json")).isEqualTo(InputFormat.OTLP_JSON);
    assertThat(InputFormat.fromName("otlp-proto")).isEqualTo(InputFormat.OTLP_PROTO);
    assertThat(InputFormat.fromName("events")).isEqualTo(InputFormat.KERNEL_EVENTS);
    assertThat(InputFormat.fromName("jaeger")).isEqualTo(InputFormat.JAEGER_JSON);
    assertThat(InputFormat.fromName("zipkin")).isEqualTo(InputFormat.ZIPKIN_JSON);
    assertThat(InputFormat.fromName("jaeger-json")).isNull();
  }

  @Test
  void detectsProtobufByFirstByte() {
    assertThat(InputFormat.detect(new byte[] {0x0A, 0x10}, 2)).isEqualTo(InputFormat.OTLP_PROTO);
    assertThat(InputFormat.detect(new byte[] {0, 0, 1, 2}, 4)).isEqualTo(InputFormat.OTLP_PROTO);
  }

  @Test
  void detectsOtlpJsonSamples() throws IOException {
    assertThat(detectResource("otlp/proto_examples_trace.json")).isEqualTo(InputFormat.OTLP_JSON);
    assertThat(detectResource("otlp/SYNTHESISED_collector_fileexporter_traces.jsonl"))
        .isEqualTo(InputFormat.OTLP_JSON);
  }

  @Test
  void detectsJaegerAndZipkinSamplesAsTraces() throws IOException {
    assertThat(detectResource("jaeger/SYNTHESISED_jaeger_api_traces.json"))
        .isEqualTo(InputFormat.JAEGER_JSON);
    assertThat(detectResource("jaeger/jaeger_repo_fixture_ui_01_abridged.json"))
        .isEqualTo(InputFormat.JAEGER_JSON);
    assertThat(detect("[{\"traceID\":\"1\",\"spans\":[]}]")).isEqualTo(InputFormat.JAEGER_JSON);
    assertThat(detectResource("zipkin/SYNTHESISED_zipkin_v2_trace.json"))
        .isEqualTo(InputFormat.ZIPKIN_JSON);
    assertThat(InputFormat.JAEGER_JSON.carriesEvents()).isFalse();
    assertThat(InputFormat.ZIPKIN_JSON.carriesEvents()).isFalse();
  }

  @Test
  void detectsKernelEventsBareAndBpftrace() throws IOException {
    assertThat(detectResource("events/canonical_example.jsonl"))
        .isEqualTo(InputFormat.KERNEL_EVENTS);
    assertThat(detectResource("bpftrace/bpftrace_json_lost_events.jsonl"))
        .isEqualTo(InputFormat.KERNEL_EVENTS);
  }

  @Test
  void unknownContentIsNull() {
    assertThat(detect("hello world")).isNull();
    assertThat(detect("{\"foo\":1}")).isNull();
    assertThat(InputFormat.detect(new byte[0], 0)).isNull();
  }

  @Test
  void detectsProducerAdapters() throws IOException {
    assertThat(detectResource("tetragon/process_exec_2023.json")).isEqualTo(InputFormat.TETRAGON);
    assertThat(detectResource("tetragon/export_like.ndjson")).isEqualTo(InputFormat.TETRAGON);
    assertThat(detectResource("tetragon/process_kprobe_setgid_2023.json"))
        .isEqualTo(InputFormat.TETRAGON);
    assertThat(detectResource("inspektor-gadget/builtin_trace_open_jsonpretty.json"))
        .isEqualTo(InputFormat.INSPEKTOR_GADGET);
    assertThat(detectResource("inspektor-gadget/image_trace_open_jsonpretty.json"))
        .isEqualTo(InputFormat.INSPEKTOR_GADGET);
    assertThat(detect("[{\"proc\": {\"pid\": 1}}]")).isEqualTo(InputFormat.INSPEKTOR_GADGET);
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
      assertThat(detectResource("libbpf-tools/" + c[0] + ".txt").cliName())
          .as(c[0])
          .isEqualTo(c[1]);
    }
    assertThat(
            detect("TIME     COMM             TID           LAT(us) PREV COMM        PREV TID\n"))
        .isEqualTo(InputFormat.LIBBPF_RUNQSLOWER);
  }

  @Test
  void tellsEventFormatsFromTraceFormats() {
    assertThat(InputFormat.OTLP_JSON.carriesEvents()).isFalse();
    assertThat(InputFormat.OTLP_PROTO.carriesEvents()).isFalse();
    assertThat(InputFormat.KERNEL_EVENTS.carriesEvents()).isTrue();
    assertThat(InputFormat.TETRAGON.carriesEvents()).isTrue();
    assertThat(InputFormat.fromName("ig")).isEqualTo(InputFormat.INSPEKTOR_GADGET);
    assertThat(InputFormat.fromName("libbpf:runqlat").libbpfTool())
        .isEqualTo(LibbpfToolsReader.Tool.RUNQLAT);
    assertThat(InputFormat.TETRAGON.libbpfTool()).isNull();
  }

  @Test
  void textStartingWithAnEmptyLineIsNotProtobuf() {
    byte[] head =
        "\nTIME     COMM             TID           LAT(us) PREV COMM        PREV TID\n"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    assertThat(InputFormat.detect(head, head.length)).isNotEqualTo(InputFormat.OTLP_PROTO);
  }
}
