package io.isostack.codec;

import io.isostack.clock.ClockConverter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads bytes as every input could be read: detected, and with every format (as {@code FORMAT:}
 * forces it), whole ({@code analyze}, an HTTP body) and as one line ({@code serve}'s followed
 * files). The contract under test: data never throws.
 */
final class EveryReader {
  private EveryReader() {}

  static ReadContext context() {
    return ReadContext.of(new ClockConverter(), "h", Clock.systemUTC())
        .withLibbpf(
            LibbpfToolsReader.Options.defaults(Clock.systemUTC())
                .withStart(1_700_000_000_000_000_000L)
                .withInterval(1_000_000_000L));
  }

  /** Reads {@code b} with one format, whole then as one line or message. */
  static void read(FormatReader<?> f, byte[] b) throws IOException {
    ReadContext ctx = context();
    RecordStream s = f.open("fuzz", ctx, x -> {}, x -> {});
    s.read(new ByteArrayInputStream(b));
    s.finish();
    s.summary();
    RecordStream t = f.open("fuzz", ctx, x -> {}, x -> {});
    if (t.lineFramed()) {
      t.line(b, 0, b.length);
    } else {
      t.message(b, 0, b.length);
    }
    t.finish();
    t.summary();
  }

  /** Detects {@code b}'s format, then reads it with every format; the first failure propagates. */
  static void readAll(byte[] b) throws IOException {
    FormatReaders.detect(InputHead.of(b, b.length));
    for (FormatReader<?> f : FormatReaders.all()) {
      read(f, b);
    }
  }

  /** What escaped the rejection path, one line per format and way of reading. */
  static List<String> escapes(byte[] b) {
    List<String> out = new ArrayList<>();
    try {
      FormatReaders.detect(InputHead.of(b, b.length));
    } catch (RuntimeException e) {
      out.add("detect: " + e);
    }
    for (FormatReader<?> f : FormatReaders.all()) {
      try {
        read(f, b);
      } catch (Exception | StackOverflowError e) {
        out.add(f.name() + ": " + e);
      }
    }
    return out;
  }
}
