package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LibbpfToolsReaderTest {
  private static final LocalDate DAY = LocalDate.of(2026, 8, 1);
  private static final LibbpfToolsReader.Options UTC_DAY =
      new LibbpfToolsReader.Options(
          DAY, ZoneOffset.UTC, LibbpfToolsReader.Options.NO_START, 0, null);
  private static final long SECOND = 1_000_000_000L;

  private final List<KernelEvent> events = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();
  private LibbpfToolsReader.StreamState state;

  private static long endOfSecond(String isoUtc) {
    Instant t = Instant.parse(isoUtc);
    return t.getEpochSecond() * SECOND + SECOND - 1;
  }

  private LibbpfToolsReader.StreamState read(String file, LibbpfToolsReader.Options opts)
      throws IOException {
    LibbpfToolsReader reader = new LibbpfToolsReader(null, opts, "vm");
    state = reader.newStream(file);
    try (InputStream in = getClass().getResourceAsStream("/libbpf-tools/" + file)) {
      assertThat(in).as(file).isNotNull();
      reader.read(in, state, events::add, rejects::add);
    }
    return state;
  }

  @Test
  void runqslowerSampleGivesThreadLevelRunQueueWaitsDatedAtTheEndOfThePrintedSecond()
      throws IOException {
    read("runqslower.txt", UTC_DAY);

    assertThat(state.tool()).isEqualTo(LibbpfToolsReader.Tool.RUNQSLOWER);
    assertThat(rejects).isEmpty();
    assertThat(state.summary()).isEqualTo(new ReadSummary(177, 174, 0, 0));
    KernelEvent first = events.get(0); // 12:52:54 tokio-rt-worker  74  4000 kworker/0:2  2824
    assertThat(first.name()).isEqualTo(EventName.SCHED_RUNQ_LATENCY);
    assertThat(first.pid()).isEqualTo(KernelEvent.UNKNOWN_PID);
    assertThat(first.tid()).isEqualTo(74);
    assertThat(first.comm()).isEqualTo("tokio-rt-worker");
    assertThat(first.durNanos()).isEqualTo(4_000_000L);
    assertThat(first.endEpochNanos()).isEqualTo(endOfSecond("2026-08-01T12:52:54Z"));
    assertThat(first.attrs())
        .containsEntry("prev_comm", "kworker/0:2")
        .containsEntry("prev_tid", "2824")
        .containsEntry("time_resolution_ns", "1000000000");
    assertThat(first.source()).isEqualTo("libbpf-tools:runqslower");
    KernelEvent last = events.get(173); // 12:52:59 tokio-rt-worker 74 1905 rcu_preempt 15
    assertThat(last.durNanos()).isEqualTo(1_905_000L);
    assertThat(last.attr("prev_comm")).isEqualTo("rcu_preempt");
  }

  @Test
  void taskNamesWithSpacesAreCutAtTheHeaderOffsetsAndTimesRollPastMidnight() throws IOException {
    read("runqslower_spaces.txt", UTC_DAY.at(DAY, ZoneId.of("Europe/Berlin")));

    assertThat(events).hasSize(3); // two records and one producer.lost
    KernelEvent vm = events.get(0);
    assertThat(vm.comm()).isEqualTo("VM Thread");
    assertThat(vm.tid()).isEqualTo(31337);
    assertThat(vm.attr("prev_comm")).isEqualTo("C2 CompilerThre");
    // 23:59:59 CEST (UTC+2) on 2026-08-01
    assertThat(vm.endEpochNanos()).isEqualTo(endOfSecond("2026-08-01T21:59:59Z"));
    KernelEvent c2 = events.get(1);
    assertThat(c2.comm()).isEqualTo("C2 CompilerThre");
    assertThat(c2.attr("prev_comm")).isEqualTo("VM Thread");
    assertThat(c2.endEpochNanos()).isEqualTo(endOfSecond("2026-08-01T22:00:01Z"));
    assertThat(c2.durNanos()).isEqualTo(10_200_000L);
  }

  @Test
  void lostEventLinesAndBadLinesAreCountedNotFatal() throws IOException {
    read("runqslower_spaces.txt", UTC_DAY);

    KernelEvent lost = events.get(2);
    assertThat(lost.name()).isEqualTo(EventName.PRODUCER_LOST);
    assertThat(lost.value()).isEqualTo(3.0);
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(6L, RejectReason.UNKNOWN_LAYOUT), tuple(7L, RejectReason.INVALID_VALUE));
    assertThat(rejects.get(1).message()).contains("LAT(us)").contains("notanum");
    assertThat(state.summary()).isEqualTo(new ReadSummary(7, 3, 2, 3));
  }

  @Test
  void tcplifeGivesLifetimesWithLocalAndRemoteSidesAndBytes() throws IOException {
    read("tcplife.txt", UTC_DAY);

    assertThat(rejects).isEmpty();
    assertThat(events).hasSize(20);
    // 12:53:09 23313 curl 127.0.0.1 53452 127.0.0.1 18080 0.08 0.04 1.41
    KernelEvent curl = events.get(0);
    assertThat(curl.name()).isEqualTo(EventName.TCP_LIFETIME);
    assertThat(curl.pid()).isEqualTo(23313);
    assertThat(curl.comm()).isEqualTo("curl");
    assertThat(curl.flow())
        .isEqualTo(
            new FlowKey(new Endpoint("127.0.0.1", 53452), new Endpoint("127.0.0.1", 18080), "tcp"));
    assertThat(curl.durNanos()).isEqualTo(1_410_000L);
    assertThat(curl.attrs()).containsEntry("tx_bytes", "82").containsEntry("rx_bytes", "41");
    assertThat(curl.endEpochNanos()).isEqualTo(endOfSecond("2026-08-01T12:53:09Z"));
    assertThat(events.get(1).flow().local().port()).isEqualTo(18080);
  }

  @Test
  void tcpstatesKeepsOnlySynSentToEstablishedAsConnectLatency() throws IOException {
    read("tcpstates.txt", UTC_DAY);

    assertThat(rejects).isEmpty();
    assertThat(events).hasSize(9);
    assertThat(state.skipped()).isEqualTo(83);
    // 12:53:20 ffff88810324a500 23607 curl 127.0.0.1 33330 127.0.0.1 18080 SYN_SENT -> ESTABLISHED
    // 0.201
    KernelEvent e = events.get(0);
    assertThat(e.name()).isEqualTo(EventName.TCP_CONNECT_LATENCY);
    assertThat(e.pid()).isEqualTo(23607);
    assertThat(e.durNanos()).isEqualTo(201_000L);
    assertThat(e.flow().local()).isEqualTo(new Endpoint("127.0.0.1", 33330));
    assertThat(e.flow().remote()).isEqualTo(new Endpoint("127.0.0.1", 18080));
    assertThat(e.attr("skaddr")).isEqualTo("ffff88810324a500");
  }

  @Test
  void exitsnoopGivesExitsWithCodes() throws IOException {
    read("exitsnoop.txt", UTC_DAY);

    assertThat(rejects).isEmpty();
    assertThat(events).hasSize(156).allMatch(e -> e.name() == EventName.PROCESS_EXIT);
    KernelEvent mkdir = events.get(0); // 12:53:40 mkdir 24051 2828 24051 0.00 0
    assertThat(mkdir.pid()).isEqualTo(24051);
    assertThat(mkdir.tid()).isEqualTo(24051);
    assertThat(mkdir.attrs()).containsEntry("ppid", "2828").containsEntry("exit_code", "0");
    KernelEvent readlink = events.stream().filter(e -> e.pid() == 24077).findFirst().orElseThrow();
    assertThat(readlink.comm()).isEqualTo("readlink");
    assertThat(readlink.attr("exit_code")).isEqualTo("1");
    KernelEvent sleep = events.stream().filter(e -> e.pid() == 24047).findFirst().orElseThrow();
    assertThat(sleep.attr("age_ns")).isEqualTo("1500000000");
  }

  @Test
  void exitsnoopSignalsAreNamed() throws IOException {
    String text =
        "TIME(s)  PCOMM            PID     PPID    TID     AGE(s)  EXIT_CODE\n"
            + "12:53:40 java             24051   2828    24060   3.25    signal 9 (KILL)\n"
            + "12:53:41 crash            24052   2828    24052   0.01    signal 11 (SEGV), core"
            + " dumped\n";
    LibbpfToolsReader reader = new LibbpfToolsReader(null, UTC_DAY, "vm");
    reader.read(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        "t",
        events::add,
        rejects::add);

    assertThat(rejects).isEmpty();
    assertThat(events.get(0).attrs())
        .containsEntry("signal", "9")
        .containsEntry("signal_name", "SIGKILL")
        .doesNotContainKey("exit_code");
    assertThat(events.get(0).tid()).isEqualTo(24060);
    assertThat(events.get(1).attrs())
        .containsEntry("signal_name", "SIGSEGV")
        .containsEntry("core_dumped", "true");
  }

  @Test
  void execsnoopToleratesArgumentsWithNewlines() throws IOException {
    read("execsnoop.txt", UTC_DAY);

    assertThat(rejects).isEmpty();
    assertThat(events).hasSize(126).allMatch(e -> e.name() == EventName.PROCESS_EXEC);
    assertThat(state.skipped()).isEqualTo(16); // continuation lines
    KernelEvent mkdir = events.get(0); // 12:53:28 1.365 0 mkdir 23736 2828 0 /usr/bin/mkdir ...
    assertThat(mkdir.pid()).isEqualTo(23736);
    assertThat(mkdir.comm()).isEqualTo("mkdir");
    assertThat(mkdir.attrs())
        .containsEntry("ppid", "2828")
        .containsEntry("uid", "0")
        .containsEntry("ret", "0")
        .containsEntry("args", "/usr/bin/mkdir -p -m 700 /var/tmp/jobs");
    KernelEvent timeout = events.stream().filter(e -> e.pid() == 23756).findFirst().orElseThrow();
    assertThat(timeout.attr("args")).isEqualTo("/usr/bin/timeout 5 python3 -c");
    KernelEvent python = events.stream().filter(e -> e.pid() == 23758).findFirst().orElseThrow();
    assertThat(python.comm()).isEqualTo("python3");
  }

  @Test
  void relativeTimesNeedAStartAnchor() throws IOException {
    read("execsnoop_cg.txt", UTC_DAY);

    assertThat(events).isEmpty();
    assertThat(rejects).hasSize(84).allMatch(r -> r.reason().equals("missing-time-anchor"));
    assertThat(rejects.get(0).line()).isEqualTo(3);
  }

  @Test
  void relativeTimesAreAddedToTheStartWithTheirPrintedResolution() throws IOException {
    long start = Instant.parse("2026-08-01T12:00:00Z").getEpochSecond() * SECOND;
    read("execsnoop_cg.txt", UTC_DAY.withStart(start));

    assertThat(rejects).isEmpty();
    assertThat(events).hasSize(84);
    KernelEvent sleep = events.get(0); // 1.484   sleep   29261  29258  0 /usr/bin/sleep 0.5
    assertThat(sleep.endEpochNanos()).isEqualTo(start + 1_484_000_000L);
    assertThat(sleep.pid()).isEqualTo(29261);
    assertThat(sleep.attr("time_resolution_ns")).isEqualTo("1000000");
  }

  @Test
  void failedExecIsASyscallError() throws IOException {
    String text =
        "TIME     PCOMM            PID    PPID   RET ARGS\n"
            + "12:53:28 bash             23736  2828    -2 /usr/bin/nope --x\n";
    new LibbpfToolsReader(LibbpfToolsReader.Tool.EXECSNOOP, UTC_DAY, "vm")
        .read(
            new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
            "t",
            events::add,
            rejects::add);

    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.name()).isEqualTo(EventName.SYSCALL_ERROR);
              assertThat(e.attrs())
                  .containsEntry("syscall", "execve")
                  .containsEntry("errno", "ENOENT");
            });
  }

  @Test
  void runqlatPerProcessHistogramsGiveOneEventPerNonEmptyBucket() throws IOException {
    read("runqlat.txt", UTC_DAY);

    assertThat(rejects).isEmpty();
    assertThat(events).hasSize(451);
    KernelEvent first = events.get(0); // 12:54:12, pid = 24711 bash, 16 -> 31 : 1
    assertThat(first.name()).isEqualTo(EventName.SCHED_RUNQ_LATENCY);
    assertThat(first.pid()).isEqualTo(24711);
    assertThat(first.comm()).isEqualTo("bash");
    assertThat(first.value()).isEqualTo(1.0);
    assertThat(first.unit()).isEqualTo("1");
    assertThat(first.durNanos()).isEqualTo(32_000L);
    assertThat(first.endEpochNanos()).isEqualTo(endOfSecond("2026-08-01T12:54:12Z"));
    assertThat(first.attrs())
        .containsEntry("histogram", "true")
        .containsEntry("bucket_low_ns", "16000")
        .containsEntry("bucket_high_ns", "32000")
        .doesNotContainKey("interval_ns");
    assertThat(events.get(450).attr("interval_ns")).isEqualTo("2000000000");
  }

  @Test
  void cgroupHistogramsAreCgroupLevelEvidence() throws IOException {
    read("runqlat_cg.txt", UTC_DAY.withCgroupPath("/sys/fs/cgroup/unified/fmtdemo"));

    assertThat(rejects).isEmpty();
    assertThat(events).hasSize(32);
    KernelEvent first = events.get(0); // 12:54:18  2 -> 3 : 14
    assertThat(first.pid()).isEqualTo(KernelEvent.UNKNOWN_PID);
    assertThat(first.cgroupPath()).isEqualTo("/fmtdemo");
    assertThat(first.value()).isEqualTo(14.0);
    assertThat(first.attr("bucket_low_ns")).isEqualTo("2000");
    assertThat(first.durNanos()).isEqualTo(4_000L);
  }

  @Test
  void biolatencyPerDiskHistogramsCarryTheDevice() throws IOException {
    read("biolatency.txt", UTC_DAY);

    assertThat(rejects).isEmpty();
    assertThat(events).hasSize(23).allMatch(e -> "vda".equals(e.dev()));
    KernelEvent b = events.get(2); // 12:54:24, 128 -> 255 : 67
    assertThat(b.name()).isEqualTo(EventName.BLOCK_IO_LATENCY);
    assertThat(b.value()).isEqualTo(67.0);
    assertThat(b.attr("bucket_high_ns")).isEqualTo("256000");
    assertThat(events.get(22).attr("interval_ns")).isEqualTo("1000000000"); // 12:54:28 → 12:54:29
  }

  @Test
  void undatedHistogramsAreRejectedOncePerIntervalWithoutAnAnchor() throws IOException {
    read("biolatency_cg.txt", UTC_DAY);

    assertThat(events).isEmpty();
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(6L, "missing-time-anchor"),
            tuple(27L, "missing-time-anchor"),
            tuple(37L, "missing-time-anchor"));
    assertThat(state.skipped()).isEqualTo(9);
  }

  @Test
  void undatedHistogramIntervalsEndAtStartPlusKIntervals() throws IOException {
    long start = Instant.parse("2026-08-01T12:00:00Z").getEpochSecond() * SECOND;
    read("biolatency_cg.txt", UTC_DAY.withStart(start).withInterval(2 * SECOND));

    assertThat(rejects).isEmpty();
    assertThat(events).hasSize(12);
    KernelEvent first = events.get(0); // flags = ReadAhead-Read, msecs 0 -> 1 : 49
    assertThat(first.attrs())
        .containsEntry("flags", "ReadAhead-Read")
        .containsEntry("bucket_high_ns", "2000000")
        .containsEntry("interval_ns", "2000000000");
    assertThat(first.value()).isEqualTo(49.0);
    assertThat(first.endEpochNanos()).isEqualTo(start + 2 * SECOND);
    assertThat(events.get(5).attr("bucket_low_ns")).isEqualTo("256000000"); // 256 -> 511 : 3
    assertThat(events.get(7).endEpochNanos()).isEqualTo(start + 4 * SECOND);
    assertThat(events.get(11).endEpochNanos()).isEqualTo(start + 6 * SECOND);
    assertThat(events.get(11).attr("flags")).isEqualTo("Sync-Write");
  }

  @Test
  void cpudistIsParsedAndSkipped() throws IOException {
    read("cpudist.txt", UTC_DAY);

    assertThat(state.tool()).isEqualTo(LibbpfToolsReader.Tool.CPUDIST);
    assertThat(events).isEmpty();
    assertThat(rejects).isEmpty();
    assertThat(state.skipped()).isEqualTo(169);
  }

  @Test
  void decodeLineServesLiveInputs() {
    LibbpfToolsReader reader = new LibbpfToolsReader(null, UTC_DAY, "vm");
    LibbpfToolsReader.StreamState live = reader.newStream("pipe");
    String[] lines = {
      "TIME(s)  PID     COMM             LADDR           LPORT RADDR           RPORT TX_KB  RX_KB  MS",
      "12:53:09 23313   curl             127.0.0.1       53452 127.0.0.1       18080 0.08   0.04   1.41"
    };
    for (int i = 0; i < lines.length; i++) {
      byte[] b = lines[i].getBytes(StandardCharsets.UTF_8);
      reader.decodeLine(b, 0, b.length, live, i + 1, events::add, rejects::add);
    }

    assertThat(live.tool()).isEqualTo(LibbpfToolsReader.Tool.TCPLIFE);
    assertThat(events).singleElement().extracting(KernelEvent::pid).isEqualTo(23313);
  }

  @Test
  void linesBeforeAnyHeaderAreRejected() throws IOException {
    new LibbpfToolsReader(null, UTC_DAY, "vm")
        .read(
            new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8)),
            "t",
            events::add,
            rejects::add);

    assertThat(rejects).singleElement().extracting(Rejection::reason).isEqualTo("unknown-layout");
  }
}
