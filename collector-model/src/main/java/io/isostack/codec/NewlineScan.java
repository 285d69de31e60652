package io.isostack.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds {@code \n} eight bytes at a time (a word-at-a-time scan: one 64-bit load and four
 * arithmetic operations per eight bytes instead of eight compares). Stateless and thread-safe.
 */
final class NewlineScan {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long LOW_BITS = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private NewlineScan() {}

  /** The index of the first {@code \n} in {@code buf[from, to)}, or -1. */
  static int indexOf(byte[] buf, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(buf, i) ^ NEWLINES;
      // The lowest byte that was '\n' is now 0 and sets the lowest high bit here (bytes above it
      // may be flagged falsely, which does not matter: the lowest flag is exact).
      long zeros = (x - LOW_BITS) & ~x & HIGH_BITS;
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
