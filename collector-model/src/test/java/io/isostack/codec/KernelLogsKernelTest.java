package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.isostack.clock.ClockDomain;
import io.isostack.model.KernelEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * This machine's {@code dmesg} (raw, {@code -T}, {@code --json}) and {@code journalctl -o json},
 * run now and read through detection and the readers, with the boot time of {@code /proc/stat}.
 * Needs root (the kernel ring buffer may be restricted) and util-linux; the journal part needs a
 * journal and skips with the reason where there is none.
 */
@Tag("kernel")
class KernelLogsKernelTest {

  @Test
  void dmesgInEveryFormGivesOneEventPerMessageAtTheSameTimes() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/dev/kmsg")), "needs the kernel log (/dev/kmsg)");
    long btime = bootTimeNanos();

    SpiReads raw = reads(btime);
    byte[] rawOut = run("dmesg");
    raw.bytes(rawOut, "dmesg");
    SpiReads json = reads(btime);
    json.bytes(run("dmesg", "--json"), "dmesg --json");
    SpiReads t = reads(btime);
    t.bytes(run("dmesg", "-T"), "dmesg -T");

    long bracketed =
        new String(rawOut, StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("[")).count();
    assertThat(raw.detected).isEqualTo("dmesg");
    assertThat(json.detected).isEqualTo("dmesg-json");
    assertThat(t.detected).isEqualTo("dmesg");
    assertThat(raw.rejects).isEmpty();
    assertThat(json.rejects).isEmpty();
    assertThat(t.rejects).isEmpty();
    assertThat(raw.events).hasSize((int) bracketed);
    int n = Math.min(raw.events.size(), json.events.size()); // the kernel may log in between
    assertThat(n).isGreaterThan(0);
    for (int i = 0; i < n; i++) {
      KernelEvent a = raw.events.get(i);
      KernelEvent b = json.events.get(i);
      assertThat(b.endEpochNanos()).as("event %d", i).isEqualTo(a.endEpochNanos());
      assertThat(b.attr("message")).startsWith(a.attr("message"));
    }
    long now = System.currentTimeMillis() * 1_000_000L;
    assertThat(raw.events)
        .allSatisfy(e -> assertThat(e.endEpochNanos()).isBetween(btime, now + 1_000_000_000L));
    assertThat(t.events.get(0).endEpochNanos() - raw.events.get(0).endEpochNanos())
        .as("-T prints the same time to the second")
        .isBetween(-2_000_000_000L, 2_000_000_000L);
  }

  @Test
  void journalctlJsonIsReadWhereThereIsAJournal() throws Exception {
    byte[] out = run("journalctl", "-o", "json", "-n", "200", "--no-pager");
    String text = new String(out, StandardCharsets.UTF_8);
    assumeTrue(
        text.contains("__REALTIME_TIMESTAMP"),
        "journalctl printed no entries: no journal on this machine ("
            + AdapterStream.excerpt(text.strip())
            + ")");
    SpiReads r = new SpiReads();
    ReadSummary s = r.bytes(out, "journalctl");

    assertThat(r.detected).isEqualTo("journald");
    assertThat(r.rejects).isEmpty();
    assertThat(s.records()).isEqualTo(text.lines().filter(l -> l.startsWith("{")).count());
  }

  private static SpiReads reads(long btime) {
    SpiReads r = new SpiReads();
    r.clocks.setUserOffset(ClockDomain.BOOTTIME, btime);
    return r;
  }

  private static long bootTimeNanos() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
      if (line.startsWith("btime ")) {
        return Long.parseLong(line.substring(6).strip()) * 1_000_000_000L;
      }
    }
    throw new AssertionError("no btime in /proc/stat");
  }

  private static byte[] run(String... cmd) throws Exception {
    Path out = Files.createTempFile("kernel-log", ".out");
    try {
      Process p =
          new ProcessBuilder(List.of(cmd))
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", List.of(cmd)).isTrue();
      return Files.readAllBytes(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
