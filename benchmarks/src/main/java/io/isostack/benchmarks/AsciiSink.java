package io.isostack.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A buffered writer of ASCII text to an {@link OutputStream}, with a garbage-free {@code long}
 * append, so that generating a 10 M-line input costs little next to reading it.
 *
 * <p>Only ASCII is written: each {@code char} becomes one byte. I/O errors are rethrown as {@link
 * UncheckedIOException}. Not thread-safe.
 */
final class AsciiSink implements AutoCloseable {
  private final OutputStream out;
  private final byte[] buf = new byte[1 << 16];
  private final byte[] digits = new byte[20];
  private int pos;
  private long written;

  AsciiSink(OutputStream out) {
    this.out = out;
  }

  AsciiSink append(String s) {
    int n = s.length();
    if (pos + n > buf.length) {
      flush();
    }
    if (n > buf.length) {
      for (int i = 0; i < n; i++) {
        append(s.charAt(i));
      }
      return this;
    }
    for (int i = 0; i < n; i++) {
      buf[pos++] = (byte) s.charAt(i);
    }
    return this;
  }

  AsciiSink append(char c) {
    if (pos == buf.length) {
      flush();
    }
    buf[pos++] = (byte) c;
    return this;
  }

  AsciiSink append(long v) {
    if (v == Long.MIN_VALUE) {
      return append(Long.toString(v));
    }
    if (v < 0) {
      append('-');
      v = -v;
    }
    int n = 0;
    do {
      digits[n++] = (byte) ('0' + (v % 10));
      v /= 10;
    } while (v != 0);
    if (pos + n > buf.length) {
      flush();
    }
    while (n > 0) {
      buf[pos++] = digits[--n];
    }
    return this;
  }

  /** Bytes handed to the stream so far, flushed or not. */
  long bytesWritten() {
    return written + pos;
  }

  void flush() {
    try {
      out.write(buf, 0, pos);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    written += pos;
    pos = 0;
  }

  @Override
  public void close() {
    flush();
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
