package io.isostack.correlator.receiver;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body whole, un-gzipping it when {@code Content-Encoding: gzip}, and enforces the
 * size limit before and after decompression (OTLP/HTTP: "the server MUST cap the request body
 * including after decompression" → 413). The buffer is reserved in the {@link MemoryLimiter} as it
 * grows ({@link MemoryLimiter.Buffer#REQUEST_BODIES}); the caller {@link #release}s it when done.
 *
 * @param bytes the body; only the first {@code length} bytes are valid
 * @param length the body's length
 * @param reservedBytes bytes reserved in the limiter for the buffer
 */
record HttpBody(byte[] bytes, int length, long reservedBytes) {

  /** The body did not arrive within the read timeout (a slow or stalled client). */
  static final class ReadTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    ReadTimeoutException(String message) {
      super(message);
    }
  }

  /** Memory is short: the body would take the limiter past its hard limit. */
  static final class OverloadedException extends Exception {
    private static final long serialVersionUID = 1L;

    OverloadedException(String message) {
      super(message);
    }
  }

  /** Releases the buffer's reservation in {@code memory}. */
  void release(MemoryLimiter memory) {
    memory.release(MemoryLimiter.Buffer.REQUEST_BODIES, reservedBytes);
  }

  /** The body exceeds the limit. */
  static final class TooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }

  /** The body's encoding is neither identity nor gzip. */
  static final class UnsupportedEncodingException extends Exception {
    private static final long serialVersionUID = 1L;

    UnsupportedEncodingException(String message) {
      super(message);
    }
  }

  /** The most of a refused body read and discarded before answering 413: 4 MiB. */
  static final long SWALLOW_BYTES = 4L * 1024 * 1024;

  /**
   * Reads the body of a request (blocking).
   *
   * @param maxBytes the largest body accepted, compressed or not
   * @throws TooLargeException if it is larger
   * @throws UnsupportedEncodingException for a content encoding other than gzip or identity
   * @param memory where the buffer is reserved
   * @param deadlineNanos when the whole body must have arrived, {@link System#nanoTime()} time
   * @throws ReadTimeoutException if it has not (checked as each piece arrives; a client that sends
   *     nothing at all is cut by the connector's idle timeout)
   * @throws OverloadedException if the buffer would take {@code memory} past its hard limit (what
   *     was reserved is released)
   * @throws IOException if reading fails or the gzip stream is corrupt
   */
  static HttpBody read(Request request, long maxBytes, MemoryLimiter memory, long deadlineNanos)
      throws IOException, TooLargeException, UnsupportedEncodingException, OverloadedException {
    long declared = request.getLength();
    if (declared > maxBytes) {
      try (InputStream raw = Content.Source.asInputStream(request)) {
        swallow(raw, deadlineNanos);
      }
      throw new TooLargeException(
          "request body of " + declared + " bytes exceeds the limit of " + maxBytes + " bytes");
    }
    String encoding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
    boolean gzip = false;
    if (encoding != null && !encoding.isBlank()) {
      String e = encoding.trim().toLowerCase(Locale.ROOT);
      if (e.equals("gzip") || e.equals("x-gzip")) {
        gzip = true;
      } else if (!e.equals("identity")) {
        throw new UnsupportedEncodingException(
            "Content-Encoding '" + encoding + "' is not supported; use gzip or none");
      }
    }
    try (InputStream raw = Content.Source.asInputStream(request)) {
      InputStream capped = new Capped(raw, maxBytes, deadlineNanos);
      InputStream in = gzip ? new GZIPInputStream(capped) : capped;
      try {
        return readCapped(in, maxBytes, gzip ? " after decompression" : "", memory);
      } catch (TooLargeException | OverloadedException e) {
        swallow(raw, deadlineNanos);
        throw e;
      }
    } catch (ReadTimeoutException e) {
      throw e;
    } catch (IOException e) {
      if (e.getCause() instanceof TooLargeException t) {
        throw t;
      }
      throw e;
    }
  }

  /**
   * Reads and discards what is left of a refused body, up to {@value #SWALLOW_BYTES} bytes, so that
   * closing the connection after the 413 does not reset it while the client is still sending: a TCP
   * reset discards the answer before the client reads it (RFC 9112 §9.6, "tear-down"). Larger
   * remainders are left unread and the connection is closed.
   */
  static void swallow(InputStream body, long deadlineNanos) {
    InputStream raw = new Capped(body, Long.MAX_VALUE, deadlineNanos);
    byte[] buf = new byte[8192];
    long left = SWALLOW_BYTES;
    try {
      int n;
      while (left > 0 && (n = raw.read(buf, 0, (int) Math.min(buf.length, left))) >= 0) {
        left -= n;
      }
    } catch (IOException e) {
      // The client gave up sending: nothing left to protect.
    }
  }

  private static HttpBody readCapped(
      InputStream in, long maxBytes, String where, MemoryLimiter memory)
      throws IOException, TooLargeException, OverloadedException {
    long reserved = 0;
    boolean done = false;
    try {
      reserved = reserve(memory, 0, 8192);
      byte[] buf = new byte[8192];
      int len = 0;
      while (true) {
        if (len == buf.length) {
          int size = (int) Math.min((long) buf.length * 2, maxBytes + 1);
          // The old and the new buffer are both live while copying.
          reserved = reserve(memory, reserved, size);
          buf = Arrays.copyOf(buf, size);
          memory.release(MemoryLimiter.Buffer.REQUEST_BODIES, reserved - size);
          reserved = size;
        }
        int n = in.read(buf, len, buf.length - len);
        if (n < 0) {
          done = true;
          return new HttpBody(buf, len, reserved);
        }
        len += n;
        if (len > maxBytes) {
          throw new TooLargeException(
              "request body exceeds the limit of " + maxBytes + " bytes" + where);
        }
      }
    } finally {
      if (!done) {
        memory.release(MemoryLimiter.Buffer.REQUEST_BODIES, reserved);
      }
    }
  }

  /** Reserves {@code more} bytes on top of {@code reserved}; the new total reserved. */
  private static long reserve(MemoryLimiter memory, long reserved, long more)
      throws OverloadedException {
    if (!memory.tryReserve(MemoryLimiter.Buffer.REQUEST_BODIES, more)) {
      throw new OverloadedException(
          "the correlator is short of memory (request bodies, queue and open traces are at the"
              + " limit); retry later");
    }
    return reserved + more;
  }

  /**
   * Counts the bytes as sent (compressed or not) so that a huge compressed body is cut early too,
   * and checks the read deadline as each piece arrives.
   */
  private static final class Capped extends java.io.FilterInputStream {
    private final long max;
    private final long deadlineNanos;
    private long count;

    Capped(InputStream in, long max, long deadlineNanos) {
      super(in);
      this.max = max;
      this.deadlineNanos = deadlineNanos;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      check(b >= 0 ? 1 : 0);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      check(Math.max(n, 0));
      return n;
    }

    private void check(int n) throws IOException {
      if ((count += n) > max) {
        throw new IOException(new TooLargeException("compressed body exceeds " + max + " bytes"));
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new ReadTimeoutException(
            "the request body did not arrive within the read timeout (" + count + " bytes read)");
      }
    }
  }
}
