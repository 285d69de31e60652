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

  /**
   * Receives runs of whole lines: every line of a run ends with {@code \n} except the input's last
   * line when it has none; the bytes are valid only during the call.
   */
  interface BlockHandler {
    /**
     * A run of whole lines, terminators included.
     *
     * @param lineNo the number of lines before the run (so its first line is {@code lineNo + 1})
     * @return the number of lines in the run
     */
    long lines(byte[] buf, int off, int len, long lineNo) throws IOException;

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

  /**
   * Reads {@code in} to its end, handing over runs of whole lines (as many as the buffer holds)
   * instead of one line at a time; lines longer than the limit are skipped and reported as {@link
   * #split} does.
   *
   * @return the number of lines, blank and skipped ones included
   */
  long splitBlocks(InputStream in, BlockHandler handler) throws IOException {
    long lineNo = 0;
    int start = 0;
    int end = 0;
    boolean skipping = false;
    while (true) {
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        if (end > start) {
          if (skipping) {
            lineNo++;
          } else {
            lineNo += handler.lines(buf, start, end - start, lineNo);
          }
        }
        return lineNo;
      }
      int from = end;
      end += n;
      if (skipping) {
        int nl = indexOf(buf, from, end, (byte) '\n');
        if (nl < 0) {
          end = 0;
          continue;
        }
        lineNo++;
        skipping = false;
        start = nl + 1;
        from = start;
      }
      int last = lastIndexOf(buf, from, end, (byte) '\n');
      if (last >= 0) {
        lineNo += handler.lines(buf, start, last + 1 - start, lineNo);
        start = last + 1;
      }
      if (start > 0) {
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        start = 0;
      }
      if (end == buf.length) {
        if (buf.length >= maxLineBytes) {
          handler.tooLong(lineNo + 1, maxLineBytes);
          skipping = true;
          end = 0;
        } else {
          byte[] bigger = new byte[(int) Math.min((long) buf.length * 2, maxLineBytes)];
          System.arraycopy(buf, 0, bigger, 0, end);
          buf = bigger;
        }
      }
    }
  }

  /** The index of the first {@code b} in {@code buf[from, to)}, or -1. */
  static int indexOf(byte[] buf, int from, int to, byte b) {
    for (int i = from; i < to; i++) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] buf, int from, int to, byte b) {
    for (int i = to - 1; i >= from; i--) {
      if (buf[i] == b) {
        return i;
      }
    }
    return -1;
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
