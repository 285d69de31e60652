package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isostack.clock.ClockConverter;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventReadersTest {
  private final List<KernelEvent> events = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();

  private ReadSummary read(InputFormat f, String path) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/" + path)) {
      return EventReaders.read(
          f,
          in,
          path,
          new ClockConverter(),
          "vm",
          new LibbpfToolsReader.Options(
              LocalDate.of(2026, 8, 1),
              ZoneOffset.UTC,
              LibbpfToolsReader.Options.NO_START,
              0,
              null),
          events::add,
          rejects::add);
    }
  }

  private InputFormat detect(String path) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/" + path)) {
      byte[] head = in.readNBytes(64 * 1024);
      return InputFormat.detect(head, head.length);
    }
  }

  @Test
  void dispatchesEveryEventFormatByDetection() throws IOException {
    String[] paths = {
      "events/canonical_example.jsonl",
      "tetragon/export_like.ndjson",
      "inspektor-gadget/ig_lines.jsonl",
      "libbpf-tools/tcplife.txt"
    };
    for (String p : paths) {
      read(detect(p), p);
    }

    assertThat(events)
        .extracting(KernelEvent::source)
        .contains("tetragon:process_exec", "ig:trace_exec", "libbpf-tools:tcplife");
    assertThat(events).anyMatch(e -> e.name() == EventName.SCHED_RUNQ_LATENCY);
  }

  @Test
  void traceFormatsAreRefused() {
    assertThatThrownBy(() -> read(InputFormat.OTLP_JSON, "otlp/proto_examples_trace.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("otlp-json");
  }
}
