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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code tcpretrans} and {@code oomkill} text, on the output blocks of BCC's own example files
 * ({@code tools/*_example.txt}, copied verbatim into {@code bcc/}), cut where the example shows a
 * command ({@code # ./tool}) and where it elides ({@code [...]}) or returns to prose (a blank
 * line).
 */
class BccTcpRetransOomKillTest {
  private static final LibbpfToolsReader.Options DAY =
      new LibbpfToolsReader.Options(
          LocalDate.of(2026, 8, 1), ZoneOffset.UTC, LibbpfToolsReader.Options.NO_START, 0, null);
  private static final long SECOND = 1_000_000_000L;

  private final List<KernelEvent> events = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();

  /**
   * The output of the example run by {@code command}, from the line after it to the block's end.
   */
  private String block(String file, String command) throws IOException {
    String text;
    try (InputStream in = getClass().getResourceAsStream("/bcc/" + file)) {
      assertThat(in).as(file).isNotNull();
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    StringBuilder out = new StringBuilder();
    boolean in = false;
    for (String line : text.split("\n", -1)) {
      if (in && (line.isBlank() || line.equals("[...]"))) {
        break;
      }
      if (in) {
        out.append(line).append('\n');
      }
      in |= line.equals("# " + command);
    }
    assertThat(out).as(command + " in " + file).isNotEmpty();
    return out.toString();
  }

  private ReadSummary read(String text, LibbpfToolsReader.Tool tool) throws IOException {
    RecordStream s =
        new LibbpfToolFormat(tool)
            .open(
                "test",
                ReadContext.of(
                        new io.isostack.clock.ClockConverter(), "vm", java.time.Clock.systemUTC())
                    .withLibbpf(DAY),
                events::add,
                rejects::add);
    s.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    s.finish();
    return s.summary();
  }

  private static long endOfSecond(String isoUtc) {
    return Instant.parse(isoUtc).getEpochSecond() * SECOND + SECOND - 1;
  }

  private static FlowKey flow(String local, int lport, String remote, int rport) {
    return new FlowKey(new Endpoint(local, lport), new Endpoint(remote, rport), "tcp");
  }

  @Test
  void tcpretransGivesRetransmitsOfTheFlowWithTheOnCpuPidApart() throws IOException {
    String out = block("bcc_tools_tcpretrans_example.txt", "./tcpretrans");
    ReadSummary summary = read(out, null);

    assertThat(rejects).isEmpty();
    assertThat(summary.records()).isEqualTo(3);
    assertThat(events)
        .extracting(KernelEvent::name, KernelEvent::flow, KernelEvent::endEpochNanos)
        .containsExactly(
            tuple(
                EventName.TCP_RETRANSMIT,
                flow("10.153.223.157", 22, "69.53.245.40", 34619),
                endOfSecond("2026-08-01T01:55:05Z")),
            tuple(
                EventName.TCP_RETRANSMIT,
                flow("10.153.223.157", 22, "69.53.245.40", 34619),
                endOfSecond("2026-08-01T01:55:05Z")),
            tuple(
                EventName.TCP_RETRANSMIT,
                flow("10.153.223.157", 22, "69.53.245.40", 22957),
                endOfSecond("2026-08-01T01:55:17Z")));
    KernelEvent first = events.get(0);
    assertThat(first.pid()).isEqualTo(KernelEvent.UNKNOWN_PID);
    assertThat(first.attrs())
        .containsEntry("on_cpu_pid", "0")
        .containsEntry("state", "ESTABLISHED")
        .containsEntry("type", "retransmit")
        .containsEntry("time_resolution_ns", "1000000000");
    assertThat(first.source()).isEqualTo("libbpf-tools:tcpretrans");
  }

  @Test
  void tcpretransTailLossProbesAndSequenceNumbersAreKept() throws IOException {
    read(
        block("bcc_tools_tcpretrans_example.txt", "./tcpretrans -l"),
        LibbpfToolsReader.Tool.TCPRETRANS);
    read(
        block("bcc_tools_tcpretrans_example.txt", "./tcpretrans.py -s"),
        LibbpfToolsReader.Tool.TCPRETRANS);

    assertThat(rejects).isEmpty();
    assertThat(events).hasSize(13);
    assertThat(events.get(3).attrs()).containsEntry("type", "tail-loss-probe");
    assertThat(events.get(8).attrs()).containsEntry("on_cpu_pid", "1938");
    assertThat(events.get(11).attrs())
        .containsEntry("state", "SYN_SENT")
        .containsEntry("seq", "2879306108");
  }

  @Test
  void tcpretransCountModeIsSkippedByReason() throws IOException {
    ReadSummary summary =
        read(block("bcc_tools_tcpretrans_example.txt", "./tcpretrans.py -c"), null);

    assertThat(events).isEmpty();
    assertThat(rejects).isEmpty();
    assertThat(summary.skipped()).containsEntry("tcpretrans-count", 3L);
  }

  @Test
  void tcpretransReadsIpv6AndTheBpftraceToolsHeader() throws IOException {
    read(
        "Tracing tcp retransmits. Hit Ctrl-C to end.\n"
            + "TIME     PID               LADDR:LPORT           RADDR:RPORT  STATE\n"
            + "12:00:01 0        2001:db8::5:40112     2001:db8::7:9000      ESTABLISHED\n"
            + "12:00:02 0        10.0.0.5              10.0.0.7:9000         ESTABLISHED\n",
        null);

    assertThat(events)
        .extracting(KernelEvent::flow)
        .containsExactly(flow("2001:db8::5", 40112, "2001:db8::7", 9000));
    assertThat(rejects)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.line()).isEqualTo(4);
              assertThat(r.reason()).isEqualTo(RejectReason.INVALID_VALUE);
              assertThat(r.message()).contains("LADDR:LPORT is not ADDRESS:PORT: 10.0.0.5");
            });
  }

  @Test
  void oomkillGivesTheVictimWithTheTriggeringTaskAsContext() throws IOException {
    ReadSummary summary = read(block("bcc_tools_oomkill_example.txt", "./oomkill"), null);

    assertThat(rejects).isEmpty();
    assertThat(summary.records()).isEqualTo(2);
    KernelEvent first = events.get(0);
    assertThat(first.name()).isEqualTo(EventName.MEM_OOM_KILL);
    assertThat(first.pid()).isEqualTo(22516);
    assertThat(first.comm()).isEqualTo("perl");
    assertThat(first.endEpochNanos()).isEqualTo(endOfSecond("2026-08-01T21:03:39Z"));
    assertThat(first.attrs())
        .containsEntry("ctx_pid", "3297")
        .containsEntry("ctx_comm", "ntpd")
        .containsEntry("totalpages", "3850642")
        .containsEntry("loadavg", "0.99 0.39 0.30 3/282 22724");
    assertThat(events.get(1).pid()).isEqualTo(22517);
    assertThat(first.source()).isEqualTo("libbpf-tools:oomkill");
  }

  @Test
  void libbpfToolsOomkillWithoutLoadavgIsReadAfterItsBanner() throws IOException {
    // the format strings of Debian's /usr/sbin/oomkill (libbpf-tools 0.26): banner, and the
    // line printed when /proc/loadavg could not be read
    ReadSummary summary =
        read(
            "Tracing OOM kills... Ctrl-C to stop.\n"
                + "19:00:05 Triggered by PID 4120 (\"java\"), OOM kill of PID 4388 (\"gunicorn\"),"
                + " 262144 pages\n",
            null);

    assertThat(rejects).isEmpty();
    assertThat(summary.records()).isEqualTo(1);
    assertThat(events.get(0).pid()).isEqualTo(4388);
    assertThat(events.get(0).attrs())
        .containsEntry("totalpages", "262144")
        .doesNotContainKey("loadavg");
  }

  @Test
  void oomkillBrokenAndTruncatedLinesAreRejectedAndTheOthersRead() throws IOException {
    String out = block("bcc_tools_oomkill_example.txt", "./oomkill");
    String[] lines = out.split("\n");
    String text =
        lines[0]
            + "\n"
            + lines[1].substring(0, 40)
            + "\n"
            + lines[1].replace("PID 22516", "PID x")
            + "\n"
            + "not a record\n"
            + lines[2]
            + "\n"
            + lines[2].substring(0, 70);

    ReadSummary summary = read(text, LibbpfToolsReader.Tool.OOMKILL);

    assertThat(events).extracting(KernelEvent::pid).containsExactly(22517);
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(2L, RejectReason.INVALID_VALUE),
            tuple(3L, RejectReason.INVALID_VALUE),
            tuple(4L, RejectReason.UNKNOWN_LAYOUT),
            tuple(6L, RejectReason.INVALID_VALUE));
    assertThat(rejects.get(1).message()).contains("victim PID is not a pid");
    assertThat(summary.rejected()).isEqualTo(4);
    assertThat(summary.lines()).isEqualTo(6);
  }

  @Test
  void bothToolsAreDetectedFromTheirBannerOrFirstRecord() throws IOException {
    for (var c :
        Map.of(
                "./tcpretrans", "libbpf:tcpretrans",
                "./tcpretrans.py -c", "libbpf:tcpretrans")
            .entrySet()) {
      byte[] b =
          block("bcc_tools_tcpretrans_example.txt", c.getKey()).getBytes(StandardCharsets.UTF_8);
      assertThat(FormatReaders.detect(InputHead.of(b, b.length)).format().name())
          .as(c.getKey())
          .isEqualTo(c.getValue());
    }
    byte[] oom =
        block("bcc_tools_oomkill_example.txt", "./oomkill").getBytes(StandardCharsets.UTF_8);
    assertThat(FormatReaders.detect(InputHead.of(oom, oom.length)).format().name())
        .isEqualTo("libbpf:oomkill");
    String noBanner =
        block("bcc_tools_oomkill_example.txt", "./oomkill")
            .lines()
            .skip(1)
            .findFirst()
            .orElseThrow();
    byte[] line = noBanner.getBytes(StandardCharsets.UTF_8);
    assertThat(FormatReaders.detect(InputHead.of(line, line.length)).format().name())
        .isEqualTo("libbpf:oomkill");
  }
}
