package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Producer text around real records (standard error merged, the terminal's {@code ^C}) is detected
 * past, counted as skipped and changes nothing else, in every line reader.
 */
class ProducerNoiseTest {
  private static final String NOISE_BEFORE =
      "WARNING: could not set RLIMIT_MEMLOCK\nlibbpf: loading object 'x' from buffer\n";
  private static final String NOISE_AFTER = "^C\n";

  @Test
  void recognisesTheBannersAndDiagnostics() {
    assertThat(ProducerNoise.isNoise("Attaching 1 probe...")).isTrue();
    assertThat(ProducerNoise.isNoise("Attaching 12 probes...")).isTrue();
    assertThat(ProducerNoise.isNoise("ERROR: failed to attach")).isTrue();
    assertThat(ProducerNoise.isNoise("^C")).isTrue();
    assertThat(ProducerNoise.isNoise("Tracing block device I/O... Hit Ctrl-C to end.")).isTrue();
    assertThat(ProducerNoise.isNoise("Attaching probes")).isFalse();
    assertThat(ProducerNoise.isNoise("{\"event.name\":\"log\"}")).isFalse();
    assertThat(ProducerNoise.isNoise("TIME     COMM   TID   LAT(us)")).isFalse();
  }

  @Test
  void tetragonExportWithNoiseReadsTheSameRecords() {
    assertSameRecordsWithNoise("tetragon/export_like.ndjson", "tetragon");
  }

  @Test
  void inspektorGadgetLinesWithNoiseReadTheSameRecords() {
    assertSameRecordsWithNoise("inspektor-gadget/ig_lines.jsonl", "ig");
  }

  @Test
  void libbpfToolsOutputWithNoiseReadsTheSameRecords() {
    assertSameRecordsWithNoise("libbpf-tools/tcplife.txt", "libbpf:tcplife");
  }

  @Test
  void canonicalEventsWithNoiseReadTheSameRecords() {
    assertSameRecordsWithNoise("events/canonical_example.jsonl", "events");
  }

  private static void assertSameRecordsWithNoise(String path, String format) {
    SpiReads clean = new SpiReads();
    ReadSummary c = clean.resource(path);
    SpiReads noisy = new SpiReads();
    ReadSummary n = noisy.text(NOISE_BEFORE + text(path) + NOISE_AFTER);

    assertThat(noisy.detected).isEqualTo(clean.detected).isEqualTo(format);
    assertThat(noisy.events).isEqualTo(clean.events);
    assertThat(n.rejected()).isEqualTo(c.rejected());
    assertThat(n.skipped().get(SkipReason.PRODUCER_TEXT)).isEqualTo(3);
    assertThat(n.lines()).isEqualTo(c.lines() + 3);
  }

  private static String text(String path) {
    try (InputStream in = ProducerNoiseTest.class.getResourceAsStream("/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
