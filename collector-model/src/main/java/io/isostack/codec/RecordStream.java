package io.isostack.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The state of one input stream of one {@link FormatReader}: it decodes the stream's lines or
 * messages, in order, sends the records and rejections where {@link FormatReader#open} said, and
 * counts what became of every line.
 *
 * <p>A stream is fed one of three ways, not mixed: {@link #read} (a whole input, in the format's
 * own framing: JSON Lines, pretty-printed documents, length-prefixed protobuf), {@link #line} (an
 * input framed into lines by the caller: a followed file, a producer's pipe; only where {@link
 * #lineFramed()}), or {@link #message} (one self-contained message: an HTTP body). {@link #finish}
 * ends it. Data errors never throw: they are rejected and reading goes on.
 *
 * <p>Not thread-safe: one thread feeds a stream; {@link #summary()} must be read by that thread too
 * (callers publish a copy).
 */
public interface RecordStream {

  /**
   * Whether the format is line-oriented, so that {@link #line} may be used: true for text and JSON
   * Lines formats, false for binary ones.
   */
  boolean lineFramed();

  /**
   * Decodes one line, without its terminator ({@code \n}, and {@code \r} before it), numbered after
   * the previous one.
   *
   * @param buf the bytes, UTF-8 (invalid sequences are tolerated)
   * @param off where the line starts
   * @param len its length in bytes
   * @throws UnsupportedOperationException if the format is not {@link #lineFramed()}
   */
  void line(byte[] buf, int off, int len);

  /**
   * Counts a line that the caller dropped because it was longer than {@code maxLineBytes}, and
   * rejects it ({@link RejectReason#LINE_TOO_LONG}).
   *
   * @param maxLineBytes the caller's limit, in bytes, named in the rejection
   */
  void lineTooLong(int maxLineBytes);

  /**
   * Reads a whole input to its end in the format's own framing. Does not close {@code in}.
   *
   * @param in the bytes
   * @throws IOException if reading {@code in} fails (data errors never throw)
   */
  void read(InputStream in) throws IOException;

  /**
   * Decodes one self-contained message (an HTTP body) as if it were a whole input.
   *
   * @param buf the bytes
   * @param off where the message starts
   * @param len its length in bytes
   */
  default void message(byte[] buf, int off, int len) {
    try {
      read(new ByteArrayInputStream(buf, off, len));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
  }

  /** Ends the stream: emits anything held back (a pending partial record). Idempotent. */
  void finish();

  /** What the stream has seen so far: lines, records, rejected, lost and skipped by reason. */
  ReadSummary summary();
}
