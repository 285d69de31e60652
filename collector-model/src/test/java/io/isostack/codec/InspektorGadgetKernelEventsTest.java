package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.isostack.clock.ClockConverter;
import io.isostack.clock.ClockDomain;
import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inspektor Gadget trace_tcpretrans and trace_oomkill records (SYNTHESISED from the gadgets' event
 * structs, integration tests and README output rows), the docs' real trace_tcp records, and raw
 * boot-time timestamps.
 */
class InspektorGadgetKernelEventsTest {
  private static final String SYNTH =
      "inspektor-gadget/SYNTHESISED_trace_tcpretrans_oomkill.ndjson";
  private static final String TCP = "inspektor-gadget/ig_docs_run_trace_tcp.ndjson";
  private static final long BOOT_OFFSET = 1_795_265_109_394_948_433L;

  private final ClockConverter clocks = new ClockConverter();
  private final List<KernelEvent> events = new ArrayList<>();
  private final List<Rejection> rejects = new ArrayList<>();
  private final AdapterStream stream = new AdapterStream("t");

  private String resource(String path) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/" + path)) {
      assertThat(in).as(path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private void read(String text) throws IOException {
    new InspektorGadgetReader("default-host", clocks)
        .read(
            new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
            stream,
            events::add,
            rejects::add);
  }

  @Test
  void tcpretransGivesRetransmitsOfTheFlowWithTheOnCpuTaskApart() throws IOException {
    read(resource(SYNTH));

    assertThat(rejects).isEmpty();
    List<KernelEvent> retrans =
        events.stream().filter(e -> e.name() == EventName.TCP_RETRANSMIT).toList();
    assertThat(retrans)
        .extracting(KernelEvent::flow, KernelEvent::endEpochNanos, KernelEvent::pid)
        .containsExactly(
            tuple(
                new FlowKey(new Endpoint("10.244.0.8", 41464), new Endpoint("1.1.1.1", 443), "tcp"),
                1_722_551_779_500_127_600L,
                KernelEvent.UNKNOWN_PID),
            tuple(
                new FlowKey(new Endpoint("10.244.0.8", 41464), new Endpoint("1.1.1.1", 443), "tcp"),
                1_722_551_779_700_000_000L,
                KernelEvent.UNKNOWN_PID));
    assertThat(retrans.get(0).host()).isEqualTo("minikube-docker");
    assertThat(retrans.get(0).attrs())
        .containsEntry("on_cpu_pid", "446916")
        .containsEntry("on_cpu_comm", "wget")
        .containsEntry("state", "ESTABLISHED")
        .containsEntry("tcpflags", "ACK|PSH")
        .containsEntry("type", "retransmit");
    assertThat(retrans.get(1).attrs()).containsEntry("type", "tail-loss-probe");
    assertThat(retrans.get(0).source()).isEqualTo("ig:trace_tcpretrans");
  }

  @Test
  void oomkillGivesTheVictimInBothGenerations() throws IOException {
    read(resource(SYNTH));

    List<KernelEvent> ooms =
        events.stream().filter(e -> e.name() == EventName.MEM_OOM_KILL).toList();
    assertThat(ooms)
        .extracting(
            KernelEvent::pid, KernelEvent::comm, e -> e.attr("ctx_pid"), e -> e.attr("ctx_comm"))
        .containsExactly(
            tuple(728870, "tail", "728870", "tail"), tuple(728871, "tail", "728870", "sh"));
    assertThat(ooms.get(0).containerId())
        .isEqualTo("88df7f962685e0452e130937696a0686a3fb21466dbd4ba7b5e46574876756f6");
    assertThat(ooms.get(0).attrs()).containsEntry("totalpages", "4227071");
    assertThat(ooms.get(1).endEpochNanos()).isEqualTo(1_722_551_779_500_127_600L);
  }

  @Test
  void theDocsTraceTcpConnectsAreNoRetransmits() throws IOException {
    read(resource(TCP));

    assertThat(rejects).isEmpty();
    assertThat(events).extracting(KernelEvent::name).doesNotContain(EventName.TCP_RETRANSMIT);
    assertThat(events).isNotEmpty();
  }

  @Test
  void rawBootTimeTimestampsAreRejectedWithTheFixWithoutAnOffset() throws IOException {
    String line = resource(SYNTH).lines().findFirst().orElseThrow();
    String bootOnly = line.replace("\"timestamp\":\"2024-08-01T22:36:19.500127600Z\",", "");
    read(
        bootOnly.replace("\"timestamp_raw\":1722551779500127600", "\"timestamp_raw\":592390845525")
            + "\n"
            + line.replace("\"timestamp_raw\":1722551779500127600,", "")
                .replace("2024-08-01T22:36:19.500127600Z", "1970-01-01T00:09:52.390845525Z"));

    assertThat(events).isEmpty();
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(1L, RejectReason.MISSING_CLOCK_SYNC), tuple(2L, RejectReason.MISSING_CLOCK_SYNC));
    assertThat(rejects.get(0).message())
        .contains("timestamp_raw 592390845525 is nanoseconds since boot")
        .contains("not a date in 1970")
        .contains("--boot-time")
        .contains("--clock-offset boottime=NANOS")
        .contains("'minikube-docker'");
    assertThat(rejects.get(1).message()).startsWith("timestamp 592390845525 is nanoseconds");
  }

  @Test
  void aRawBootTimeNextToTheFormattedWallClockTakesTheWallClock() throws IOException {
    String line = resource(SYNTH).lines().findFirst().orElseThrow();

    read(line.replace("\"timestamp_raw\":1722551779500127600", "\"timestamp_raw\":592390845525"));

    assertThat(rejects).isEmpty();
    assertThat(events)
        .singleElement()
        .satisfies(e -> assertThat(e.endEpochNanos()).isEqualTo(1_722_551_779_500_127_600L));
  }

  @Test
  void rawBootTimeTimestampsAreConvertedWithAStatedBootTime() throws IOException {
    clocks.setUserOffset(ClockDomain.BOOTTIME, BOOT_OFFSET);
    String line =
        resource(SYNTH)
            .lines()
            .findFirst()
            .orElseThrow()
            .replace("\"timestamp\":\"2024-08-01T22:36:19.500127600Z\",", "");

    read(line.replace("\"timestamp_raw\":1722551779500127600", "\"timestamp_raw\":592390845525"));

    assertThat(rejects).isEmpty();
    assertThat(events)
        .singleElement()
        .satisfies(e -> assertThat(e.endEpochNanos()).isEqualTo(BOOT_OFFSET + 592_390_845_525L));
  }

  @Test
  void brokenAndTruncatedRecordsAreRejectedAndTheOthersRead() throws IOException {
    String line = resource(SYNTH).lines().findFirst().orElseThrow();
    read(
        String.join(
            "\n",
            line.replace("\"addr\":\"1.1.1.1\",", ""),
            line.substring(0, line.length() / 2),
            line.replace("\"port\":443", "\"port\":\"https\""),
            line));

    assertThat(events).hasSize(1);
    assertThat(rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(1L, RejectReason.MISSING_FIELD),
            tuple(2L, RejectReason.INVALID_JSON),
            tuple(3L, RejectReason.INVALID_VALUE));
    assertThat(rejects.get(0).message()).isEqualTo("dst.addr is missing");
  }
}
