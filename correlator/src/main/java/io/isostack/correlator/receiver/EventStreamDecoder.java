package io.isostack.correlator.receiver;

import io.isostack.codec.KernelEventReader;
import io.isostack.codec.ReadSummary;
import io.isostack.codec.RecordStream;
import io.isostack.codec.RejectListener;
import io.isostack.codec.RejectReason;
import io.isostack.codec.Rejection;
import io.isostack.model.KernelEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Frames the bytes of one live kernel-event stream into lines, decodes each with the {@link
 * RecordStream} of its {@link EventInput} (the same reader {@code analyze} uses for that format)
 * and hands the events on in batches of at most {@link #maxBatch}. Skipped records are added to the
 * {@link RejectTally} at each flush. The owner calls {@link #flush()} whenever the stream has
 * nothing more to read right now, so that a batch never waits for more input: latency stays as low
 * as the input's own.
 *
 * <p>A partial last line is held until its newline arrives (a file being appended to), or until
 * {@link #endOfStream()}. Lines longer than {@link KernelEventReader#MAX_LINE_BYTES} are skipped
 * and rejected as {@code line-too-long}. Not thread-safe: one per stream, used by one thread; only
 * {@link #lines()}, {@link #bytes()} and {@link #counts()} may be read from other threads.
 */
final class EventStreamDecoder {
  private final RecordStream stream;
  private final String source;
  private final RejectListener rejects;
  private final RejectTally tally;
  private final EventBatchSink sink;
  private final int maxBatch;
  private final List<KernelEvent> batch = new ArrayList<>();
  private Map<String, Long> skippedFlushed = Map.of();
  private byte[] line = new byte[8192];
  private int lineLen;
  private boolean skipping;
  private long lineNo;
  private volatile long bytes; // one writer: the stream's thread
  private long partialBytes;
  private volatile ReadSummary counts = new ReadSummary(0, 0, 0, 0);

  /**
   * @param input the format and reader settings
   * @param source the stream's name, used in rejections
   * @param rejects receives rejected records
   * @param tally counts the skipped records (may be the same object as {@code rejects})
   * @param sink receives the batches
   * @param maxBatch the largest batch handed on
   */
  EventStreamDecoder(
      EventInput input,
      String source,
      RejectListener rejects,
      RejectTally tally,
      EventBatchSink sink,
      int maxBatch) {
    this.stream = input.open(source, batch::add, rejects);
    this.source = source;
    this.rejects = rejects;
    if (!stream.lineFramed()) {
      throw new IllegalArgumentException(
          source + ": format " + input.format().name() + " cannot be read line by line");
    }
    this.tally = tally;
    this.sink = sink;
    this.maxBatch = maxBatch;
  }

  /** Feeds bytes; complete lines are decoded now, a batch that fills up is handed on. */
  void feed(byte[] buf, int off, int len) throws InterruptedException {
    bytes += len;
    int start = off;
    int end = off + len;
    for (int i = off; i < end; i++) {
      if (buf[i] == '\n') {
        append(buf, start, i - start);
        endLine();
        start = i + 1;
        partialBytes = 0;
      }
    }
    append(buf, start, end - start);
    partialBytes += end - start;
  }

  /** Decodes a pending partial line as the last one and hands on what is batched. */
  void endOfStream() throws InterruptedException {
    if (lineLen > 0 || skipping) {
      endLine();
    }
    partialBytes = 0;
    stream.finish();
    flush();
  }

  /** Hands on the events batched so far, if any, then publishes the counts. */
  void flush() throws InterruptedException {
    if (!batch.isEmpty()) {
      List<KernelEvent> out = List.copyOf(batch);
      batch.clear();
      sink.put(out);
    }
    ReadSummary now = stream.summary(); // every event decoded so far has been handed on
    Map<String, Long> skipped = now.skipped();
    if (!skipped.equals(skippedFlushed)) {
      Map<String, Long> delta = new TreeMap<>();
      skipped.forEach((r, n) -> delta.put(r, n - skippedFlushed.getOrDefault(r, 0L)));
      tally.skipped(delta);
      skippedFlushed = skipped;
    }
    counts = now;
  }

  /**
   * The bytes fed after the last newline (a partial line, held until its newline arrives): a
   * follower resuming after them would cut that line.
   */
  long partialLineBytes() {
    return partialBytes;
  }

  /** The lines read so far. */
  long lines() {
    return lineNo;
  }

  /** The bytes fed so far. */
  long bytes() {
    return bytes;
  }

  /**
   * The stream's counts as of the last {@link #flush()}: {@code records} are events handed on
   * (including {@code producer.lost}), {@code lost} the events the producer reported lost.
   */
  ReadSummary counts() {
    return counts;
  }

  private void append(byte[] buf, int off, int len) {
    if (len == 0 || skipping) {
      return;
    }
    if (lineLen + len > KernelEventReader.MAX_LINE_BYTES) {
      skipping = true;
      lineLen = 0;
      return;
    }
    if (lineLen + len > line.length) {
      line = Arrays.copyOf(line, Math.max(lineLen + len, line.length * 2));
    }
    System.arraycopy(buf, off, line, lineLen, len);
    lineLen += len;
  }

  private void endLine() throws InterruptedException {
    lineNo++;
    if (skipping) {
      skipping = false;
      stream.lineTooLong(KernelEventReader.MAX_LINE_BYTES);
      return;
    }
    int len = lineLen;
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    lineLen = 0;
    try {
      stream.line(line, 0, len);
    } catch (RuntimeException | StackOverflowError e) {
      // A reader bug on one line must not stop the input: that line is a counted rejection.
      rejects.rejected(
          new Rejection(source, lineNo, RejectReason.READER_ERROR, ReaderErrors.describe(e)));
    }
    if (batch.size() >= maxBatch) {
      flush();
    }
    if (line.length > 1 << 20) {
      line = new byte[8192]; // do not keep one huge line's buffer for ever
    }
  }
}
