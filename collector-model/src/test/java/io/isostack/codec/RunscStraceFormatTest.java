package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The debug log of gVisor's Sentry as this machine's runsc (release 20221219, {@code
 * --platform=ptrace --network=none --debug --debug-log=DIR/ --strace do sh -c 'for i in 1 2 3; do
 * mkdir /proc/stack-denied-$i; sleep 0.01; done; ...'}) wrote it: its first 30 lines, 200 strace
 * lines and every denied or slow exit after them ({@code gvisor/runsc-boot-strace.txt}).
 */
class RunscStraceFormatTest {
  private final SpiReads reads = new SpiReads();

  @Test
  void theSentrysStraceLinesAreTheSandboxsSyscallEvidence() {
    ReadSummary s = reads.resource("gvisor/runsc-boot-strace.txt");

    assertThat(reads.detected).isEqualTo("runsc");
    assertThat(s.rejected()).isZero();
    assertThat(s.records()).isEqualTo(10);
    assertThat(s.skipped())
        .containsEntry(RunscStraceFormat.ENTRY, 101L)
        .containsEntry(RunscStraceFormat.BLOCKING, 11L)
        .containsEntry(RunscStraceFormat.FAST, 99L)
        .containsEntry(RunscStraceFormat.OTHER, 30L);
    assertThat(reads.events)
        .allSatisfy(
            e -> {
              assertThat(e.containerId()).isEqualTo("runsc-312922");
              assertThat(e.comm()).isEqualTo("runsc-sandbox");
              assertThat(e.pid()).isEqualTo(KernelEvent.UNKNOWN_PID);
              assertThat(e.source()).isEqualTo("runsc:strace");
            });
  }

  @Test
  void aSyscallTheSandboxDeniedIsASyscallErrorOfTheSandboxedTask() {
    reads.resource("gvisor/runsc-boot-strace.txt");

    KernelEvent denied =
        reads.events.stream().filter(e -> e.name() == EventName.SYSCALL_ERROR).findFirst().get();
    assertThat(denied.attr("syscall")).isEqualTo("mkdir");
    assertThat(denied.attr("errno")).isEqualTo("EPERM");
    assertThat(denied.attr("task")).isEqualTo("mkdir");
    assertThat(denied.attr("sandbox_pid")).isEqualTo("2");
    assertThat(denied.attr("sentry_pid")).isEqualTo("6167");
    assertThat(denied.durNanos()).isEqualTo(5_608L);
    assertThat(Instant.ofEpochSecond(0, denied.endEpochNanos()))
        .isEqualTo(Instant.parse("2026-12-01T23:15:54.376598Z"));
  }

  @Test
  void slowExitsThatDoNotWaitByDesignAreSyscallLatencies() {
    reads.resource("gvisor/runsc-boot-strace.txt");

    assertThat(reads.events)
        .filteredOn(e -> e.name() == EventName.SYSCALL_LATENCY && e.attr("summed") == null)
        .extracting(e -> e.attr("syscall"))
        .containsExactly("mmap", "mmap", "newfstatat", "execve", "execve");
    assertThat(reads.events)
        .filteredOn(e -> e.name() == EventName.SYSCALL_LATENCY)
        .allSatisfy(e -> assertThat(e.durNanos()).isGreaterThanOrEqualTo(1_000_000L));
  }

  @Test
  void fastExitsOfOneThreadAreSummedOverAWindow() {
    reads.resource("gvisor/runsc-boot-strace.txt");

    assertThat(reads.events)
        .filteredOn(e -> "1".equals(e.attr("summed")))
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.name()).isEqualTo(EventName.SYSCALL_LATENCY);
              assertThat(e.durNanos()).isGreaterThanOrEqualTo(RunscStraceFormat.SLOW_NANOS);
              assertThat(Long.parseLong(e.attr("interval_ns")))
                  .isBetween(e.durNanos(), RunscStraceFormat.WINDOW_NANOS);
              assertThat(e.value()).isGreaterThan(1);
            });
  }

  /**
   * Live, a thread's last window is handed on at the next exit of any sandboxed thread past it (a
   * request's handler thread may make no syscall until its next request), not only at the end.
   */
  @Test
  void aWindowIsClosedByAnotherThreadsLaterExit() {
    java.util.List<KernelEvent> out = new java.util.ArrayList<>();
    RecordStream stream = new RunscStraceFormat().open("live", reads.context(), out::add, r -> {});
    for (String line :
        java.util.List.of(
            exit("23:58:19.500000", 18, "400.000µs"),
            exit("23:58:19.510000", 18, "400.000µs"),
            exit("23:58:19.520000", 18, "400.000µs"),
            exit("23:58:19.700000", 19, "10.000µs"))) {
      byte[] b = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      stream.line(b, 0, b.length);
    }

    assertThat(out).as("before the end of the input").hasSize(1);
    assertThat(out.get(0).attr("sandbox_tid")).isEqualTo("18");
    assertThat(out.get(0).durNanos()).isEqualTo(1_200_000L);
    assertThat(out.get(0).value()).isEqualTo(3);
  }

  private static String exit(String time, int tid, String duration) {
    return "I1201 "
        + time
        + "   20381 strace.go:599] [   1:  "
        + tid
        + "] pay-worker-1 X fdatasync(0xc /out/write/journal-1.log) = 0 (0x0) ("
        + duration
        + ")";
  }

  @Test
  void goDurationsOfEveryUnitAreRead() throws BadRecord {
    assertThat(RunscStraceFormat.goDurationNanos("51.126µs)")).isEqualTo(51_126L);
    assertThat(RunscStraceFormat.goDurationNanos("1.5ms)")).isEqualTo(1_500_000L);
    assertThat(RunscStraceFormat.goDurationNanos("2m3.5s)")).isEqualTo(123_500_000_000L);
    assertThat(RunscStraceFormat.goDurationNanos("850ns)")).isEqualTo(850L);
  }
}
