package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real bpftrace 0.17 output, captured on the project's machine with and without {@code -q} and
 * {@code -f json}, standard error merged (its {@code ERROR: ... RLIMIT_MEMLOCK} line included):
 * {@code samples/ebpf/sched.bt} ({@code bpftrace/real/sched_*}) and {@code
 * bpftrace/record_types.bt}, which prints every record type. {@link BpftraceKernelTest} runs them
 * live.
 */
class BpftraceOutputTest {
  private final SpiReads reads = new SpiReads();

  @Test
  void plainTextWithBannerAndErrorIsDetectedAndRead() {
    ReadSummary s = reads.resource("bpftrace/real/sched_plain.txt");

    assertThat(reads.detected).isEqualTo("events");
    assertThat(reads.rejects).isEmpty();
    assertThat(s).isEqualTo(new ReadSummary(121, 111, 0, 0, Map.of("producer-text", 2L)));
    assertThat(reads.events)
        .allMatch(
            e -> e.name() == EventName.SCHED_OFFCPU || e.name() == EventName.SCHED_RUNQ_LATENCY);
  }

  @Test
  void jsonWithoutQuietCountsTheAttachedProbesRecord() {
    ReadSummary s = reads.resource("bpftrace/real/sched_json.jsonl");

    assertThat(reads.detected).isEqualTo("events");
    assertThat(s)
        .isEqualTo(
            new ReadSummary(
                148, 143, 0, 0, Map.of("producer-text", 1L, "bpftrace-attached_probes", 1L)));
  }

  @Test
  void quietJsonReadsEveryPrintf() {
    ReadSummary s = reads.resource("bpftrace/real/sched_q_json.jsonl");

    assertThat(reads.detected).isEqualTo("events");
    assertThat(s).isEqualTo(new ReadSummary(87, 83, 0, 0, Map.of("producer-text", 1L)));
  }

  @Test
  void everyJsonRecordTypeIsReadOrCountedAsSkippedByType() {
    ReadSummary s = reads.resource("bpftrace/real/record_types_json.jsonl");

    assertThat(reads.rejects).isEmpty();
    assertThat(reads.events).extracting(KernelEvent::name).containsExactly(EventName.PRODUCER_LOST);
    assertThat(s)
        .isEqualTo(
            new ReadSummary(
                12,
                1,
                0,
                3,
                Map.of(
                    "producer-text", 1L,
                    "bpftrace-attached_probes", 1L,
                    "bpftrace-time", 1L,
                    "bpftrace-cat", 1L,
                    "bpftrace-hist", 2L,
                    "bpftrace-stats", 1L,
                    "bpftrace-map", 1L)));
  }

  @Test
  void plainTextMapPrintoutIsSkippedAndOtherTextIsRejectedWithItsLine() {
    ReadSummary s = reads.resource("bpftrace/real/record_types_plain.txt");

    assertThat(reads.detected).isEqualTo("events");
    assertThat(reads.rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(
            tuple(4L, RejectReason.INVALID_JSON), tuple(5L, RejectReason.INVALID_JSON));
    assertThat(s)
        .isEqualTo(
            new ReadSummary(
                18, 1, 2, 3, Map.of("producer-text", 2L, "bpftrace-map", 5L, "bpftrace-hist", 2L)));
  }

  @Test
  void aTruncatedCaptureKeepsEveryCompleteLine() throws IOException {
    byte[] all = bytes("bpftrace/real/sched_q_json.jsonl");
    String text = new String(all, StandardCharsets.UTF_8).stripTrailing();
    int cut = text.lastIndexOf("\\\"comm\\\"");
    ReadSummary s = reads.text(text.substring(0, cut));

    assertThat(reads.rejects)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(RejectReason.INVALID_JSON);
              assertThat(r.line()).isEqualTo(85);
            });
    assertThat(s.records()).isEqualTo(82);
  }

  @Test
  void aBrokenInnerLineIsNotCanonicalAndTheOthersAreRead() throws IOException {
    String[] lines =
        new String(bytes("bpftrace/real/sched_q_json.jsonl"), StandardCharsets.UTF_8).split("\n");
    lines[5] = lines[5].replace("\\\"comm\\\":\\\"", "\\\"comm\\\":\\\"a\\\"b");
    ReadSummary s = reads.text(String.join("\n", Arrays.asList(lines)));

    assertThat(reads.rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(tuple(6L, RejectReason.NOT_CANONICAL));
    assertThat(s.records()).isEqualTo(82);
  }

  private static byte[] bytes(String path) throws IOException {
    try (InputStream in = BpftraceOutputTest.class.getResourceAsStream("/" + path)) {
      return in.readAllBytes();
    }
  }
}
