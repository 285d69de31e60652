package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.isostack.clock.ClockConverter;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Debian {@code libbpf-tools} {@code execsnoop -t} run on this machine: its {@code TIME(s)}
 * column, seconds since the tool started, is placed on the epoch by a start anchor, and rejected
 * with a message naming {@code --start-time} without one.
 */
@Tag("kernel")
class LibbpfToolsKernelTest {
  private static final Path EXECSNOOP = Path.of("/usr/sbin/execsnoop");

  private final List<KernelEvent> events = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();

  private static byte[] runExecsnoop(String marker) throws Exception {
    assumeTrue(Files.isExecutable(EXECSNOOP), "needs libbpf-tools (apt-get install libbpf-tools)");
    assumeTrue(
        Files.isDirectory(Path.of("/sys/kernel/tracing/events/syscalls")),
        "needs root and tracefs at /sys/kernel/tracing with syscall tracepoints");
    Path out = Files.createTempFile("execsnoop", ".txt");
    try {
      Process tool =
          new ProcessBuilder(EXECSNOOP.toString(), "-t")
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (Files.size(out) == 0 && tool.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50); // the header is printed once the probes are attached
      }
      assumeTrue(tool.isAlive(), "execsnoop could not attach its tracepoints here");
      for (int i = 0; i < 3; i++) {
        new ProcessBuilder("/bin/true", marker + i).start().waitFor();
        Thread.sleep(200);
      }
      Thread.sleep(300);
      new ProcessBuilder("kill", "-INT", Long.toString(tool.pid())).start().waitFor();
      assertThat(tool.waitFor(10, TimeUnit.SECONDS)).isTrue();
      return Files.readAllBytes(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private ReadSummary read(byte[] text, long startEpochNanos) throws Exception {
    LibbpfToolsReader.Options options =
        new LibbpfToolsReader.Options(
            LocalDate.now(ZoneOffset.UTC), ZoneOffset.UTC, startEpochNanos, 0, null);
    RecordStream s =
        new LibbpfToolFormat(LibbpfToolsReader.Tool.EXECSNOOP)
            .open(
                "execsnoop",
                ReadContext.of(new ClockConverter(), "vm", Clock.systemUTC()).withLibbpf(options),
                events::add,
                rejects::add);
    s.read(new ByteArrayInputStream(text));
    s.finish();
    return s.summary();
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  @Test
  void relativeTimesAreAnchoredByTheStartTime() throws Exception {
    String marker = "isostack-start-time-" + ProcessHandle.current().pid() + "-";
    Instant before = Instant.now();
    byte[] out = runExecsnoop(marker);
    Instant after = Instant.now();

    read(out, nanos(before));

    List<KernelEvent> ours =
        events.stream()
            .filter(e -> e.name() == EventName.PROCESS_EXEC)
            .filter(e -> e.attrs().getOrDefault("args", "").contains(marker))
            .toList();
    assertThat(rejects).isEmpty();
    assertThat(ours).hasSize(3);
    for (KernelEvent e : ours) {
      assertThat(e.endEpochNanos()).isBetween(nanos(before), nanos(after));
      assertThat(e.attrs()).containsEntry("time_resolution_ns", "1000000");
    }
  }

  @Test
  void withoutAStartTimeEveryRecordIsRejectedNamingTheOption() throws Exception {
    byte[] out = runExecsnoop("isostack-no-start-" + ProcessHandle.current().pid() + "-");

    ReadSummary summary = read(out, LibbpfToolsReader.Options.NO_START);

    assertThat(events).isEmpty();
    assertThat(summary.rejected()).isGreaterThanOrEqualTo(3);
    assertThat(rejects)
        .allSatisfy(
            r -> {
              assertThat(r.reason()).isEqualTo(RejectReason.MISSING_TIME_ANCHOR);
              assertThat(r.message()).contains("--start-time");
            });
  }
}
