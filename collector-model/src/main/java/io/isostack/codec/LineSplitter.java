package io.isostack.codec;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into lines without decoding it, holding only one buffer (the longest line
 * seen, up to a limit) in memory. A line ends at {@code \n}; a {@code \r} before it is dropped; a
 * last line without {@code \n} is still delivered.
 *
 * <p>Not thread-safe: one per read.
 */
final class LineSplitter {

  /** Receives each line; the bytes are valid only during the call. */
  interface LineHandler {
    /**
     * One line, without its terminator.
     *
     * @param lineNo 1-based line number
     */
    void line(byte[] buf, int off, int len, long lineNo) throws IOException;

    /** A line longer than the limit was skipped. */
    void tooLong(long lineNo, int maxLineBytes);
  }

  private final int maxLineBytes;
  private byte[] buf;

  LineSplitter(int initialBytes, int maxLineBytes) {
    this.buf = new byte[Math.min(initialBytes, maxLineBytes)];
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Reads {@code in} to its end.
   *
   * @return the number of lines, blank and skipped ones included
   */
  long split(InputStream in, LineHandler handler) throws IOException {
    long lineNo = 0;
    int start = 0;
    int end = 0;
    int scan = 0;
    boolean skipping = false;
    while (true) {
      for (int i = scan; i < end; i++) {
        if (buf[i] == '\n') {
          lineNo++;
          if (!skipping) {
            int len = i - start;
            if (len > 0 && buf[start + len - 1] == '\r') {
              len--;
            }
            handler.line(buf, start, len, lineNo);
          }
          skipping = false;
          start = i + 1;
        }
      }
      if (start > 0) {
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        start = 0;
      }
      scan = end;
      if (end == buf.length) {
        if (skipping || buf.length >= maxLineBytes) {
          if (!skipping) {
            handler.tooLong(lineNo + 1, maxLineBytes);
          }
          skipping = true;
          end = 0;
          scan = 0;
        } else {
          byte[] bigger = new byte[(int) Math.min((long) buf.length * 2, maxLineBytes)];
          System.arraycopy(buf, 0, bigger, 0, end);
          buf = bigger;
        }
      }
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        if (end > 0) {
          lineNo++;
          if (!skipping) {
            int len = end;
            if (buf[len - 1] == '\r') {
              len--;
            }
            handler.line(buf, 0, len, lineNo);
          }
        }
        return lineNo;
      }
      end += n;
    }
  }

  /** Whether {@code buf[off, off+len)} holds only JSON whitespace. */
  static boolean isBlank(byte[] buf, int off, int len) {
    for (int i = off, e = off + len; i < e; i++) {
      byte b = buf[i];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }
}
