package io.isostack.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * A reader of a producer's JSON output (one record per line, or pretty-printed documents) that maps
 * each record to kernel events; subclasses say how. Not thread-safe: one per stream.
 */
abstract class JsonEventAdapter {
  /** The longest line read; a longer one is rejected and skipped. */
  static final int MAX_LINE_BYTES = SizeLimits.atMost(16 * 1024 * 1024);

  private final JsonEventFraming.Mapper mapper = this::map;

  /**
   * Reads a whole output until its end. Does not close {@code in}.
   *
   * @return the counts; {@link #read(InputStream, AdapterStream, Consumer, RejectListener)} also
   *     gives the skipped count
   * @throws IOException if reading {@code in} fails (data errors never throw)
   */
  public ReadSummary read(
      InputStream in, String source, Consumer<KernelEvent> out, RejectListener rejects)
      throws IOException {
    AdapterStream stream = new AdapterStream(source);
    read(in, stream, out, rejects);
    return stream.summary();
  }

  /** Reads a whole output into the given stream state. Does not close {@code in}. */
  public void read(
      InputStream in, AdapterStream stream, Consumer<KernelEvent> out, RejectListener rejects)
      throws IOException {
    JsonEventFraming.read(in, MAX_LINE_BYTES, stream, mapper, out, rejects);
  }

  /**
   * Decodes one JSON line, for inputs that frame lines themselves. Never throws on bad data:
   * rejects it instead.
   */
  public void decodeLine(
      byte[] buf,
      int off,
      int len,
      AdapterStream stream,
      long lineNo,
      Consumer<KernelEvent> out,
      RejectListener rejects) {
    JsonEventFraming.decodeLine(buf, off, len, stream, lineNo, mapper, out, rejects);
  }

  /** Maps one record to zero or more events, or rejects it. */
  abstract void map(JsonNode record, AdapterStream stream, Consumer<KernelEvent> out)
      throws BadRecord;
}
