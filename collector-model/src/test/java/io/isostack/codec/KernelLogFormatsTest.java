package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.isostack.clock.ClockDomain;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Kernel logs as this machine's {@code dmesg} (util-linux 2.38.1, raw, {@code -T}, {@code --json})
 * and {@code journalctl -o json} (systemd 252, a subset of its lines: the first 40 and the OOM
 * kills) printed them; {@code kernel-logs/btime.txt} is the boot time of {@code /proc/stat} at the
 * capture. {@link KernelLogsKernelTest} reads the live tools.
 */
class KernelLogFormatsTest {
  private static final long BTIME_NANOS = 1796154846L * 1_000_000_000L;
  private static final long SECOND = 1_000_000_000L;

  private final SpiReads reads = new SpiReads();

  @Test
  void rawDmesgWithoutABootTimeIsRejectedNamingTheFix() {
    ReadSummary s = reads.resource("kernel-logs/dmesg.txt");

    assertThat(reads.detected).isEqualTo("dmesg");
    assertThat(s.records()).isZero();
    assertThat(s.rejected()).isEqualTo(587);
    assertThat(reads.rejects.get(0).reason()).isEqualTo(RejectReason.MISSING_CLOCK_SYNC);
    assertThat(reads.rejects.get(0).message()).contains("--boot-time");
  }

  @Test
  void rawDmesgIsPlacedWithTheStatedBootTime() {
    reads.clocks.setUserOffset(ClockDomain.BOOTTIME, BTIME_NANOS);
    ReadSummary s = reads.resource("kernel-logs/dmesg.txt");

    assertThat(s).isEqualTo(new ReadSummary(589, 587, 0, 0, Map.of("dmesg-continuation", 1L)));
    assertThat(reads.events.get(0).endEpochNanos()).isEqualTo(BTIME_NANOS);
    assertThat(reads.events)
        .filteredOn(e -> e.attr("message").contains("Killed process"))
        .extracting(KernelEvent::endEpochNanos)
        .containsExactly(
            BTIME_NANOS + 495_106_386_000L,
            BTIME_NANOS + 1011_380_641_000L,
            BTIME_NANOS + 1245_931_095_000L);
    assertThat(reads.events)
        .allSatisfy(
            e -> {
              assertThat(e.name()).isEqualTo(EventName.LOG);
              assertThat(e.host()).isEqualTo("default-host");
              assertThat(e.source()).isEqualTo("dmesg");
            });
  }

  @Test
  void dmesgTIsPlacedAtTheEndOfItsSecond() {
    ReadSummary s = reads.resource("kernel-logs/dmesg_T.txt");

    assertThat(reads.detected).isEqualTo("dmesg");
    assertThat(s.records()).isEqualTo(587);
    KernelEvent first = reads.events.get(0);
    assertThat(first.endEpochNanos()).isEqualTo(BTIME_NANOS + SECOND - 1);
    assertThat(first.attr("time_resolution_ns")).isEqualTo("1000000000");
    assertThat(reads.events.get(586).attr("message"))
        .startsWith("Memory cgroup out of memory: Killed process 32577 (python3)");
  }

  @Test
  void dmesgJsonGivesLevelAndFacility() {
    reads.clocks.setUserOffset(ClockDomain.BOOTTIME, BTIME_NANOS);
    ReadSummary s = reads.resource("kernel-logs/dmesg_json.json");

    assertThat(reads.detected).isEqualTo("dmesg-json");
    assertThat(reads.rejects).isEmpty();
    assertThat(s.records()).isEqualTo(587);
    assertThat(reads.events.get(0).attrs())
        .containsEntry("level", "notice")
        .containsEntry("facility", "kern")
        .containsKey("message");
    assertThat(reads.events.get(586).endEpochNanos()).isEqualTo(BTIME_NANOS + 1245_931_095_000L);
  }

  @Test
  void journalKernelEntriesAreDatedWhenTheKernelLoggedThem() {
    ReadSummary s = reads.resource("kernel-logs/journalctl_o_json.jsonl");

    assertThat(reads.detected).isEqualTo("journald");
    assertThat(reads.rejects).isEmpty();
    assertThat(s).isEqualTo(new ReadSummary(58, 58, 0, 0));
    KernelEvent oom =
        reads.events.stream()
            .filter(e -> e.attr("message").contains("Killed process 32577"))
            .findFirst()
            .orElseThrow();
    assertThat(oom.host()).isEqualTo("vm");
    assertThat(oom.attrs())
        .containsEntry("transport", "kernel")
        .containsEntry("level", "err")
        .containsEntry("identifier", "kernel");
    // __REALTIME 1796156339759125 - __MONOTONIC 1493270999 + _SOURCE_MONOTONIC 1245931095 (µs)
    assertThat(oom.endEpochNanos()).isEqualTo(1_796_156_092_419_221_000L);
    assertThat(reads.events)
        .filteredOn(e -> "stdout".equals(e.attr("transport")))
        .extracting(KernelEvent::comm, e -> e.attr("message"))
        .containsExactly(tuple("cat", "isostack test: hello from systemd-cat"));
  }

  @Test
  void aJournalReadFirstPlacesTheDmesgOfTheSameHost() {
    reads.resource("kernel-logs/journalctl_k_o_json.jsonl");
    SpiReads dmesg = new SpiReads();
    ReadSummary s =
        dmesg.read(
            FormatReaders.event("dmesg"),
            bytes("kernel-logs/dmesg.txt"),
            "dmesg.txt",
            ReadContext.of(reads.clocks, "vm", java.time.Clock.systemUTC()));

    assertThat(s.records()).isEqualTo(587);
    KernelEvent last = dmesg.events.get(586);
    assertThat(last.endEpochNanos())
        .as("the journal's boot offset is within a second of /proc/stat's btime")
        .isBetween(BTIME_NANOS + 1244 * SECOND, BTIME_NANOS + 1247 * SECOND);
  }

  @Test
  void brokenAndTruncatedLinesAreRejectedAndTheRestRead() {
    reads.clocks.setUserOffset(ClockDomain.BOOTTIME, BTIME_NANOS);
    String journal =
        new String(bytes("kernel-logs/journalctl_o_json.jsonl"), StandardCharsets.UTF_8);
    String[] lines = journal.split("\n");
    String text =
        lines[0]
            + "\n"
            + lines[1].replace("\"__REALTIME_TIMESTAMP\"", "\"X\"")
            + "\n"
            + lines[2].substring(0, lines[2].length() / 2)
            + "\n";
    ReadSummary s = reads.text(text);

    assertThat(reads.rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(2L, RejectReason.MISSING_FIELD), tuple(3L, RejectReason.INVALID_JSON));
    assertThat(s.records()).isEqualTo(1);

    SpiReads d = new SpiReads();
    d.clocks.setUserOffset(ClockDomain.BOOTTIME, BTIME_NANOS);
    ReadSummary ds = d.text("[    1.000000] a\nno bracket\n[    2.5] b\n[   3.0");
    assertThat(d.rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(2L, RejectReason.UNKNOWN_LAYOUT), tuple(4L, RejectReason.UNKNOWN_LAYOUT));
    assertThat(ds.records()).isEqualTo(2);

    SpiReads j = new SpiReads();
    j.clocks.setUserOffset(ClockDomain.BOOTTIME, BTIME_NANOS);
    String doc = new String(bytes("kernel-logs/dmesg_json.json"), StandardCharsets.UTF_8);
    ReadSummary js = j.text(doc.substring(0, doc.indexOf("\"pri\": 6", 20000)));
    assertThat(j.rejects)
        .singleElement()
        .extracting(Rejection::reason)
        .isEqualTo(RejectReason.INVALID_JSON);
    assertThat(js.records()).isPositive().isLessThan(587);
  }

  private static byte[] bytes(String path) {
    try (InputStream in = KernelLogFormatsTest.class.getResourceAsStream("/" + path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
