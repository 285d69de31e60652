package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.isostack.clock.ClockConverter;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The BCC (Python) versions of tools the libbpf-tools reader already reads, where their columns
 * differ: tcpstates' {@code C-PID}/{@code C-COMM}, exitsnoop's {@code TIME-UTC} with milliseconds
 * and {@code LABEL}, biolatency's quoted {@code disk = 'vda'}. Outputs are cut from BCC's own
 * example files ({@code bcc/SOURCES.md}).
 */
class BccVariantsTest {
  private static final LibbpfToolsReader.Options DAY =
      new LibbpfToolsReader.Options(
          LocalDate.of(2026, 8, 1), ZoneOffset.UTC, LibbpfToolsReader.Options.NO_START, 0, null);

  private final List<KernelEvent> events = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();

  /** The output after the {@code n}-th (1-based) line {@code # command}, to a blank or # line. */
  private String block(String file, String command, int n) throws IOException {
    String text;
    try (InputStream in = getClass().getResourceAsStream("/bcc/" + file)) {
      assertThat(in).as(file).isNotNull();
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    StringBuilder out = new StringBuilder();
    int seen = 0;
    for (String line : text.split("\n", -1)) {
      if (seen == n && (line.isBlank() || line.startsWith("#"))) {
        break;
      }
      if (seen == n) {
        out.append(line).append('\n');
      }
      seen += line.equals("# " + command) ? 1 : 0;
    }
    assertThat(out).as(command + " in " + file).isNotEmpty();
    return out.toString();
  }

  private ReadSummary read(String text, LibbpfToolsReader.Tool tool) throws IOException {
    RecordStream s =
        new LibbpfToolFormat(tool)
            .open(
                "test",
                ReadContext.of(new ClockConverter(), "vm", Clock.systemUTC()).withLibbpf(DAY),
                events::add,
                rejects::add);
    s.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    s.finish();
    return s.summary();
  }

  private static long nanos(String iso) {
    Instant t = Instant.parse(iso);
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  @Test
  void bccTcpstatesWithoutTimesIsRejectedAsUndatedAndItsInterruptSkipped() throws IOException {
    String out = block("bcc_tools_tcpstates_example_head.txt", "tcpstates", 1);
    ReadSummary summary = read(out, null);

    assertThat(events).isEmpty();
    assertThat(rejects)
        .hasSize(5)
        .allSatisfy(r -> assertThat(r.reason()).isEqualTo(RejectReason.MISSING_TIME_ANCHOR));
    assertThat(summary.skipped()).containsEntry(SkipReason.PRODUCER_TEXT, 1L);
  }

  @Test
  void bccTcpstatesNamesItsTaskColumnsCPidAndCComm() throws IOException {
    // the same lines as tcpstates -T prints them: an HH:MM:SS column in front
    StringBuilder timed = new StringBuilder();
    for (String line : block("bcc_tools_tcpstates_example_head.txt", "tcpstates", 1).split("\n")) {
      timed.append(
          line.startsWith("SKADDR") ? "TIME     " : line.startsWith("^") ? "" : "10:00:01 ");
      timed.append(line).append('\n');
    }
    ReadSummary summary = read(timed.toString(), null);

    assertThat(rejects).isEmpty();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.name()).isEqualTo(EventName.TCP_CONNECT_LATENCY);
              assertThat(e.pid()).isZero();
              assertThat(e.comm()).isEqualTo("swapper/5");
              assertThat(e.durNanos()).isEqualTo(1_373_000L);
            });
    assertThat(summary.skipped()).containsEntry("tcpstates-not-evidence", 4L);
  }

  @Test
  void bccExitsnoopTimesWithMillisecondsAndALabelColumn() throws IOException {
    read(block("bcc_tools_exitsnoop_example_head.txt", "cat exitlog", 2), null);

    assertThat(rejects).isEmpty();
    assertThat(events)
        .hasSize(7)
        .allSatisfy(e -> assertThat(e.name()).isEqualTo(EventName.PROCESS_EXIT));
    assertThat(events.get(0).pid()).isEqualTo(18300);
    assertThat(events.get(0).comm()).isEqualTo("bash");
    assertThat(events.get(0).endEpochNanos()).isEqualTo(nanos("2026-08-01T13:20:22.997Z"));
    assertThat(events.get(0).attrs())
        .containsEntry("exit_code", "65")
        .containsEntry("time_resolution_ns", "1000000");
    assertThat(events.get(6).attrs()).containsEntry("signal_name", "SIGINT");
  }

  @Test
  void bccExitsnoopWithoutTimesIsRejectedLineByLine() throws IOException {
    ReadSummary summary =
        read(block("bcc_tools_exitsnoop_example_head.txt", "cat exitlog", 1), null);

    assertThat(events).isEmpty();
    assertThat(summary.rejected()).isEqualTo(8);
    assertThat(rejects.get(0).message()).contains("no TIME column");
  }

  @Test
  void bccBiolatencyQuotesTheDisk() throws IOException {
    read(
        "Tracing block device I/O... Hit Ctrl-C to end.\n"
            + "^C\n"
            + "12:54:24\n"
            + "disk = 'xvdb'\n"
            + "     usecs               : count     distribution\n"
            + "        64 -> 127        : 18       |****                                    |\n",
        LibbpfToolsReader.Tool.BIOLATENCY);

    assertThat(rejects).isEmpty();
    assertThat(events).extracting(KernelEvent::dev).containsExactly("xvdb");
    assertThat(events)
        .extracting(KernelEvent::name, e -> e.attrs().get("histogram"))
        .containsExactly(tuple(EventName.BLOCK_IO_LATENCY, "true"));
  }
}
