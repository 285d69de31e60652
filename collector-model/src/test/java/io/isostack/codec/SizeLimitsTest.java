package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SizeLimitsTest {

  @Test
  void limitIsAnEighthOfASmallHeap() {
    assertThat(SizeLimits.forHeap(256L * 1024 * 1024)).isEqualTo(32 * 1024 * 1024);
  }

  @Test
  void limitIsCappedOnALargeHeapAndFlooredOnATinyOne() {
    assertThat(SizeLimits.forHeap(Long.MAX_VALUE)).isEqualTo(SizeLimits.NOMINAL_RECORD_BYTES);
    assertThat(SizeLimits.forHeap(1024)).isEqualTo(1024 * 1024);
  }

  @Test
  void framedProtobufLongerThanTheLimitIsRejectedTooLarge() {
    byte[] b = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0a, 0x00};
    // otlp-logs-proto frames start with a 0 byte, so its frames stay under 16 MiB.
    for (String format : new String[] {"otlp-proto"}) {
      java.util.List<Rejection> rejects = new java.util.ArrayList<>();
      FormatReader<?> f = FormatReaders.byName(format);
      RecordStream s =
          f.open(
              "frame",
              ReadContext.of(
                  new io.isostack.clock.ClockConverter(), "h", java.time.Clock.systemUTC()),
              x -> {},
              rejects::add);
      s.message(b, 0, b.length);
      s.finish();
      assertThat(rejects).as(format).extracting(Rejection::reason).containsExactly("too-large");
    }
  }

  @Test
  void aJsonDocumentLongerThanTheLimitIsRejectedTooLarge() {
    // Not JSON Lines (the first line is incomplete), so otlp-logs-json must hold it whole.
    byte[] b = new byte[SizeLimits.MAX_RECORD_BYTES + 10];
    java.util.Arrays.fill(b, (byte) ' ');
    byte[] head = "{\"resourceLogs\":\n".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(head, 0, b, 0, head.length);
    java.util.List<Rejection> rejects = new java.util.ArrayList<>();
    RecordStream s =
        FormatReaders.byName("otlp-logs-json")
            .open(
                "doc",
                ReadContext.of(
                    new io.isostack.clock.ClockConverter(), "h", java.time.Clock.systemUTC()),
                x -> {},
                rejects::add);
    s.message(b, 0, b.length);
    s.finish();
    assertThat(rejects).extracting(Rejection::reason).containsExactly("too-large");
  }
}
