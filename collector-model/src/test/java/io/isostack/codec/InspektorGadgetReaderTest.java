package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InspektorGadgetReaderTest {
  private static final String CONTAINER =
      "b092854647ae52c4582204be7978052c2bb5ea8bd572e99f630d04b04ed4c9e1";

  private final List<KernelEvent> events = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();
  private final AdapterStream stream = new AdapterStream("t");
  private final InspektorGadgetReader reader =
      new InspektorGadgetReader("default-host", new io.isostack.clock.ClockConverter());

  private InputStream resource(String file) {
    InputStream in = getClass().getResourceAsStream("/inspektor-gadget/" + file);
    assertThat(in).as(file).isNotNull();
    return in;
  }

  @Test
  void legacyDocumentPlacesTheHostPidInItsContainer() throws IOException {
    reader.read(resource("builtin_trace_open_jsonpretty.json"), stream, events::add, rejects::add);

    assertThat(rejects).isEmpty();
    KernelEvent e = events.get(0);
    assertThat(events).hasSize(1);
    assertThat(e.name()).isEqualTo(EventName.CGROUP_ATTACH);
    assertThat(e.endEpochNanos()).isEqualTo(1737641591294238200L);
    assertThat(e.pid()).isEqualTo(39733);
    assertThat(e.comm()).isEqualTo("cat");
    assertThat(e.containerId()).isEqualTo(CONTAINER);
    assertThat(e.host()).isEqualTo("default-host");
    assertThat(e.attrs()).containsEntry("observed", "true").containsEntry("mntns_id", "4026534388");
    assertThat(e.source()).isEqualTo("ig:trace_open");
  }

  @Test
  void imageDocumentUsesTimestampRawExactly() throws IOException {
    reader.read(resource("image_trace_open_jsonpretty.json"), stream, events::add, rejects::add);

    assertThat(rejects).isEmpty();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.endEpochNanos()).isEqualTo(1737641591294237000L);
              assertThat(e.pid()).isEqualTo(39733);
              assertThat(e.tid()).isEqualTo(39733);
              assertThat(e.containerId()).isEqualTo(CONTAINER);
            });
  }

  @Test
  void aPidAlreadyPlacedInItsContainerIsSkipped() throws IOException {
    InputStream both =
        new SequenceInputStream(
            resource("builtin_trace_open_jsonpretty.json"),
            resource("image_trace_open_jsonpretty.json"));
    reader.read(both, stream, events::add, rejects::add);

    assertThat(events).hasSize(1);
    assertThat(stream.skipped()).isEqualTo(1);
  }

  @Test
  void lineModeMapsExecDeniedOpensAndTcpAndSkipsArrays() throws IOException {
    reader.read(resource("ig_lines.jsonl"), stream, events::add, rejects::add);

    assertThat(events)
        .extracting(KernelEvent::name, KernelEvent::pid, KernelEvent::source)
        .containsExactly(
            tuple(EventName.PROCESS_EXEC, 40001, "ig:trace_exec"),
            tuple(EventName.SYSCALL_ERROR, 40002, "ig:trace_open"),
            tuple(EventName.CGROUP_ATTACH, 40004, "ig:trace_tcp"),
            tuple(EventName.SYSCALL_ERROR, 40010, "ig:trace_open"),
            tuple(EventName.SYSCALL_ERROR, 40011, "ig:trace_exec"));
    KernelEvent exec = events.get(0);
    assertThat(exec.endEpochNanos()).isEqualTo(9007199254740993123L); // > 2^53, exact
    assertThat(exec.host()).isEqualTo("node-a");
    assertThat(exec.attrs())
        .containsEntry("args", "/bin/sh -c true")
        .containsEntry("ppid", "37500")
        .containsEntry("k8s.pod.name", "web-1");
    KernelEvent denied = events.get(1);
    assertThat(denied.attrs())
        .containsEntry("syscall", "openat")
        .containsEntry("errno", "EACCES")
        .containsEntry("file", "/etc/shadow");
    assertThat(denied.tid()).isEqualTo(40003);
    assertThat(events.get(3).attr("errno")).isEqualTo("EPERM");
    assertThat(events.get(3).host()).isEqualTo("node-b");
    assertThat(events.get(4).attrs())
        .containsEntry("errno", "ENOENT")
        .containsEntry("args", "/usr/bin/ls -l");
    assertThat(stream.skipped()).isEqualTo(2); // the close of a placed pid, the top array
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(8L, RejectReason.INVALID_JSON), tuple(9L, RejectReason.MISSING_FIELD));
  }

  @Test
  void decodeLineServesLiveInputs() {
    byte[] line =
        "{\"timestamp_raw\":1722451111977700392,\"proc\":{\"comm\":\"a\",\"pid\":7,\"tid\":7},\"runtime\":{\"containerId\":\"abc\"}}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    reader.decodeLine(line, 0, line.length, stream, 1, events::add, rejects::add);

    assertThat(events).singleElement().extracting(KernelEvent::containerId).isEqualTo("abc");
    assertThat(new ByteArrayInputStream(line)).isNotNull();
  }
}
