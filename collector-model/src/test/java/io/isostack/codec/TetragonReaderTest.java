package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TetragonReaderTest {
  private final List<KernelEvent> events = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();
  private final AdapterStream stream = new AdapterStream("t");

  private void read(String file) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/tetragon/" + file)) {
      assertThat(in).as(file).isNotNull();
      new TetragonReader("default-host").read(in, stream, events::add, rejects::add);
    }
  }

  private static long nanos(String rfc3339) {
    Instant t = Instant.parse(rfc3339);
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  @Test
  void processExecDocumentGivesPidContainerAndNode() throws IOException {
    read("process_exec_2023.json");

    assertThat(rejects).isEmpty();
    KernelEvent e = events.get(0);
    assertThat(events).hasSize(1);
    assertThat(e.name()).isEqualTo(EventName.PROCESS_EXEC);
    assertThat(e.endEpochNanos()).isEqualTo(nanos("2023-10-06T22:03:57.700326678Z"));
    assertThat(e.host()).isEqualTo("gke-john-632-default-pool-7041cac0-9s95");
    assertThat(e.pid()).isEqualTo(52699);
    assertThat(e.tid()).isEqualTo(52699);
    assertThat(e.comm()).isEqualTo("curl");
    assertThat(e.containerId())
        .isEqualTo("551e161c47d8ff0eb665438a7bcd5b4e3ef5a297282b40a92b7c77d6bd168eb3");
    assertThat(e.attrs())
        .containsEntry("binary", "/usr/bin/curl")
        .containsEntry("arguments", "https://ebpf.io/applications/#tetragon")
        .containsEntry(
            "exec_id",
            "Z2tlLWpvaG4tNjMyLWRlZmF1bHQtcG9vbC03MDQxY2FjMC05czk1OjEzNTQ4Njc0MzIxMzczOjUyNjk5")
        .containsEntry("k8s.pod.name", "xwing");
    assertThat(e.source()).isEqualTo("tetragon:process_exec");
  }

  @Test
  void processExitDocumentGivesExitCode() throws IOException {
    read("process_exit_2022.json");

    KernelEvent e = events.get(0);
    assertThat(e.name()).isEqualTo(EventName.PROCESS_EXIT);
    assertThat(e.pid()).isEqualTo(51583);
    assertThat(e.comm()).isEqualTo("whoami");
    assertThat(e.host()).isEqualTo("kind-control-plane");
    assertThat(e.endEpochNanos()).isEqualTo(nanos("2022-05-11T12:54:45.616Z"));
    assertThat(e.attr("exit_code")).isEqualTo("0");
    assertThat(e.containerId()).startsWith("1fb931d2f6e5");
  }

  @Test
  void exportLinesMapExecAndExitAndSkipAnUnmappedKprobe() throws IOException {
    read("export_like.ndjson");

    assertThat(rejects).isEmpty();
    assertThat(events)
        .extracting(KernelEvent::name, KernelEvent::pid)
        .containsExactly(
            tuple(EventName.PROCESS_EXEC, 52699), tuple(EventName.PROCESS_EXIT, 51583));
    assertThat(stream.skipped()).isEqualTo(1); // __x64_sys_setgid without a negative return
    assertThat(stream.summary())
        .isEqualTo(
            new ReadSummary(3, 2, 0, 0, java.util.Map.of("tetragon-kprobe:__x64_sys_setgid", 1L)));
  }

  @Test
  void setgidKprobeDocumentIsSkipped() throws IOException {
    read("process_kprobe_setgid_2023.json");

    assertThat(events).isEmpty();
    assertThat(rejects).isEmpty();
    assertThat(stream.skipped()).isEqualTo(1);
  }

  @Test
  void execWithoutTimeIsDatedByProcessStart() throws IOException {
    read("testdata_events.ndjson");

    assertThat(rejects).isEmpty();
    assertThat(events).hasSize(3);
    assertThat(events.get(0).endEpochNanos()).isEqualTo(nanos("2022-10-18T03:16:18.273546829Z"));
    assertThat(events.get(0).comm()).isEqualTo("netserver");
    assertThat(events.get(0).host()).isEqualTo("my-node");
  }

  @Test
  void kprobesGiveRetransmitsSyscallErrorsAndLoss() throws IOException {
    read("synthesised_kprobes.ndjson");

    KernelEvent retx = events.get(0);
    assertThat(retx.name()).isEqualTo(EventName.TCP_RETRANSMIT);
    assertThat(retx.flow())
        .isEqualTo(
            new FlowKey(
                new Endpoint("10.200.1.2", 8080), new Endpoint("10.200.1.1", 51544), "tcp"));
    assertThat(retx.skCookie()).isEqualTo(-1L); // 2^64-1 as an unsigned long
    assertThat(retx.attr("state")).isEqualTo("ESTABLISHED");
    assertThat(retx.podUid()).isEqualTo("5a3b2c1d-0000-4000-8000-123456789abc");
    assertThat(retx.comm()).isEqualTo("payment-service"); // basename cut to 15 characters
    assertThat(retx.tid()).isEqualTo(4250);
    assertThat(retx.endEpochNanos()).isEqualTo(nanos("2026-08-01T10:00:00.123456789Z"));

    KernelEvent connect = events.get(1);
    assertThat(connect.name()).isEqualTo(EventName.SYSCALL_ERROR);
    assertThat(connect.attrs()).containsEntry("syscall", "connect").containsEntry("errno", "EPERM");
    assertThat(connect.containerId()).isEqualTo("9f0c2a7e1b3d4c5f6a7b8c9d0e1f2a3");

    KernelEvent open = events.get(2);
    assertThat(open.attrs()).containsEntry("syscall", "openat").containsEntry("errno", "EACCES");

    KernelEvent lost = events.get(3);
    assertThat(lost.name()).isEqualTo(EventName.PRODUCER_LOST);
    assertThat(lost.value()).isEqualTo(17.0);

    KernelEvent exit = events.get(4);
    assertThat(exit.name()).isEqualTo(EventName.PROCESS_EXIT);
    assertThat(exit.attr("signal_name")).isEqualTo("SIGKILL");

    assertThat(stream.skipped()).isEqualTo(1); // tcp_connect
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(6L, RejectReason.INVALID_JSON),
            tuple(7L, RejectReason.INVALID_VALUE),
            tuple(9L, RejectReason.MISSING_FIELD));
    assertThat(stream.summary())
        .isEqualTo(
            new ReadSummary(9, 5, 3, 17, java.util.Map.of("tetragon-kprobe:tcp_connect", 1L)));
  }
}
