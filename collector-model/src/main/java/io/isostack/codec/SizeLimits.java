package io.isostack.codec;

import java.io.IOException;
import java.io.InputStream;

/**
 * The largest single unit a reader holds in memory at once: a text line, a length-prefixed frame, a
 * bare protobuf message, one {@code ResourceSpans} of a bare message, or a whole JSON document that
 * is not JSON Lines. Longer ones are rejected ({@link RejectReason#LINE_TOO_LONG} for lines, {@link
 * RejectReason#TOO_LARGE} otherwise) with the size and the limit in the message, and reading goes
 * on where the framing allows it.
 *
 * <p>The limit is {@value #NOMINAL_RECORD_BYTES} bytes (64 MiB), or an eighth of the JVM's maximum
 * heap when that is smaller (decoding a unit takes a few times its size: bytes, characters, the
 * decoded strings), and never below 1 MiB: with {@code -Xmx256m}, 32 MiB. Format-specific limits
 * (16 MiB lines for kernel-event JSON, 1 MiB for libbpf-tools text) apply below it.
 *
 * <p>Constants only; not instantiable. Thread-safe.
 */
public final class SizeLimits {
  /** The limit on a heap large enough: 64 MiB. */
  public static final int NOMINAL_RECORD_BYTES = 64 * 1024 * 1024;

  /** The largest unit in bytes for this JVM's maximum heap (see the class comment). */
  public static final int MAX_RECORD_BYTES = forHeap(Runtime.getRuntime().maxMemory());

  private static final int FLOOR_BYTES = 1024 * 1024;

  private SizeLimits() {}

  /**
   * The record limit for a maximum heap.
   *
   * @param maxHeapBytes {@link Runtime#maxMemory()}, in bytes ({@link Long#MAX_VALUE} when
   *     unbounded)
   * @return the limit in bytes, between 1 MiB and {@value #NOMINAL_RECORD_BYTES}
   */
  static int forHeap(long maxHeapBytes) {
    long eighth = maxHeapBytes / 8;
    return (int) Math.max(FLOOR_BYTES, Math.min(NOMINAL_RECORD_BYTES, eighth));
  }

  /**
   * Reads a whole input that must be held at once, up to {@link #MAX_RECORD_BYTES}.
   *
   * @return the bytes, or null when the input is longer (then it is read only that far)
   * @throws IOException if reading fails
   */
  static byte[] readWhole(InputStream in) throws IOException {
    byte[] b = in.readNBytes(MAX_RECORD_BYTES + 1);
    return b.length > MAX_RECORD_BYTES ? null : b;
  }

  /** The message of a {@link RejectReason#TOO_LARGE} rejection of a whole input. */
  static String tooLarge(String what) {
    return what + " larger than the " + MAX_RECORD_BYTES + "-byte limit (SizeLimits); not read";
  }

  /** {@code limit}, or {@link #MAX_RECORD_BYTES} when that is smaller. */
  static int atMost(int limit) {
    return Math.min(limit, MAX_RECORD_BYTES);
  }
}
