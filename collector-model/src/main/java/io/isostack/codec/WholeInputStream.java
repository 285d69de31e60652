package io.isostack.codec;

import java.io.IOException;
import java.io.InputStream;

/**
 * The {@link RecordStream} of a format read only as whole inputs or messages (documents, binary
 * frames): each {@link #read} is one reader call whose counts add up. Not thread-safe.
 */
final class WholeInputStream implements RecordStream {

  /** Reads one whole input and returns its counts. */
  @FunctionalInterface
  interface Reader {
    ReadSummary read(InputStream in, String source, RejectListener rejects) throws IOException;
  }

  private final String source;
  private final Reader reader;
  private final RejectListener rejects;
  private ReadSummary summary = new ReadSummary(0, 0, 0, 0);

  WholeInputStream(String source, Reader reader, RejectListener rejects) {
    this.source = source;
    this.reader = reader;
    this.rejects = rejects;
  }

  @Override
  public boolean lineFramed() {
    return false;
  }

  /**
   * Not supported: the format is not line-oriented.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void line(byte[] buf, int off, int len) {
    throw new UnsupportedOperationException(source + ": this format is not read line by line");
  }

  @Override
  public void lineTooLong(int maxLineBytes) {
    summary = summary.plus(new ReadSummary(1, 0, 1, 0));
    rejects.rejected(
        new Rejection(
            source,
            summary.lines(),
            RejectReason.LINE_TOO_LONG,
            "input longer than " + maxLineBytes + " bytes skipped"));
  }

  @Override
  public void read(InputStream in) throws IOException {
    summary = summary.plus(reader.read(in, source, rejects));
  }

  @Override
  public void finish() {}

  @Override
  public ReadSummary summary() {
    return summary;
  }
}
