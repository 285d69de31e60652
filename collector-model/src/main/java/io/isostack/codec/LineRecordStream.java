package io.isostack.codec;

import java.io.IOException;
import java.io.InputStream;

/**
 * The common part of {@link RecordStream}s of line-oriented formats: numbers the lines fed one by
 * one, and reads whole inputs by splitting them into lines. Not thread-safe.
 */
abstract class LineRecordStream implements RecordStream {
  private final int maxLineBytes;
  private long lineNo;

  /**
   * @param maxLineBytes the longest line {@link #read} accepts, in bytes
   */
  LineRecordStream(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  /** Decodes one line with its 1-based number. */
  abstract void decode(byte[] buf, int off, int len, long lineNo);

  /** Counts and rejects the line {@code lineNo}, dropped for being longer than the limit. */
  abstract void tooLong(long lineNo, int maxLineBytes);

  @Override
  public boolean lineFramed() {
    return true;
  }

  @Override
  public final void line(byte[] buf, int off, int len) {
    decode(buf, off, len, ++lineNo);
  }

  @Override
  public final void lineTooLong(int maxLineBytes) {
    tooLong(++lineNo, maxLineBytes);
  }

  @Override
  public void read(InputStream in) throws IOException {
    new LineSplitter(8192, maxLineBytes)
        .split(
            in,
            new LineSplitter.LineHandler() {
              @Override
              public void line(byte[] buf, int off, int len, long n) {
                LineRecordStream.this.line(buf, off, len);
              }

              @Override
              public void tooLong(long n, int max) {
                lineTooLong(max);
              }
            });
  }

  @Override
  public void finish() {}
}
