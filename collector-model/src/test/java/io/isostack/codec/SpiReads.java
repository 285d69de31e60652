package io.isostack.codec;

import io.isostack.clock.ClockConverter;
import io.isostack.model.KernelEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Reads inputs as {@code analyze} does, through detection and the SPI, collecting the results. */
final class SpiReads {
  final List<KernelEvent> events = new ArrayList<>();
  final List<Rejection> rejects = new ArrayList<>();
  final ClockConverter clocks = new ClockConverter();
  String detected;

  /** Detects the format of a test resource, then reads it whole. */
  ReadSummary resource(String path) {
    try (InputStream in = SpiReads.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return bytes(in.readAllBytes(), path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Detects the format of some text, then reads it whole. */
  ReadSummary text(String text) {
    return bytes(text.getBytes(StandardCharsets.UTF_8), "text");
  }

  /** Detects the format of some bytes, then reads them whole. */
  ReadSummary bytes(byte[] b, String source) {
    FormatReaders.Detected d = FormatReaders.detect(InputHead.of(b, b.length));
    if (d.format() == null) {
      throw new IllegalArgumentException(d.describe(source));
    }
    detected = d.format().name();
    return read(FormatReaders.event(detected), b, source);
  }

  /** Reads bytes whole with a given format. */
  ReadSummary read(FormatReader<KernelEvent> format, byte[] b, String source) {
    return read(format, b, source, context());
  }

  /** Reads bytes whole with a given format and context. */
  ReadSummary read(FormatReader<KernelEvent> format, byte[] b, String source, ReadContext context) {
    RecordStream s = format.open(source, context, events::add, rejects::add);
    try {
      s.read(new ByteArrayInputStream(b));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s.finish();
    return s.summary();
  }

  /** Feeds bytes line by line with a given format, as a followed file or a producer is fed. */
  ReadSummary lines(FormatReader<KernelEvent> format, String text, String source) {
    RecordStream s = format.open(source, context(), events::add, rejects::add);
    for (String line : text.split("\n", -1)) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      s.line(b, 0, b.length);
    }
    s.finish();
    return s.summary();
  }

  ReadContext context() {
    return ReadContext.of(clocks, "default-host", Clock.systemUTC());
  }
}
