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
    assertThat(InputFormat.fromName("jaeger")).isNull();
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
}
