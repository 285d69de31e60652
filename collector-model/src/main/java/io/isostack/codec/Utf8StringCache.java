package io.isostack.codec;

import java.util.Arrays;

/**
 * A small direct-mapped cache from the UTF-8 bytes of a string to the one {@link String} already
 * decoded from equal bytes, so that repeated attribute keys, values and span names cost a hash and
 * a comparison instead of a decoding and an allocation (and the string's own hash is computed
 * once). It holds only strings its caller has decoded and validated itself ({@link #put}).
 *
 * <p>Not thread-safe: one per read.
 */
final class Utf8StringCache {
  /** Longer strings are not cached. */
  static final int MAX_CACHED_BYTES = 64;

  private final byte[][] keys;
  private final String[] values;
  private final int mask;

  /**
   * Creates a cache.
   *
   * @param sizePowerOfTwo number of slots, a power of two
   */
  Utf8StringCache(int sizePowerOfTwo) {
    if (Integer.bitCount(sizePowerOfTwo) != 1) {
      throw new IllegalArgumentException("sizePowerOfTwo: not a power of two: " + sizePowerOfTwo);
    }
    this.keys = new byte[sizePowerOfTwo][];
    this.values = new String[sizePowerOfTwo];
    this.mask = sizePowerOfTwo - 1;
  }

  /** The string decoded earlier from bytes equal to {@code buf[off, off+len)}, or null. */
  String get(byte[] buf, int off, int len) {
    int slot = slot(buf, off, len);
    byte[] k = keys[slot];
    if (k != null && Arrays.equals(k, 0, k.length, buf, off, off + len)) {
      return values[slot];
    }
    return null;
  }

  /** Remembers that {@code buf[off, off+len)} decodes to {@code value}. */
  void put(byte[] buf, int off, int len, String value) {
    if (len <= MAX_CACHED_BYTES) {
      int slot = slot(buf, off, len);
      keys[slot] = Arrays.copyOfRange(buf, off, off + len);
      values[slot] = value;
    }
  }

  /**
   * The slot: a hash of the length and of the first, middle and last four bytes, which tells apart
   * the keys and values that repeat in telemetry (equal hashes of different strings only cost a
   * miss).
   */
  private int slot(byte[] buf, int off, int len) {
    int h = len;
    if (len < 8) {
      for (int i = off, end = off + len; i < end; i++) {
        h = 31 * h + buf[i];
      }
    } else {
      h = 31 * h + int4(buf, off);
      h = 31 * h + int4(buf, off + (len >>> 1) - 2);
      h = 31 * h + int4(buf, off + len - 4);
    }
    h *= 0x9e3779b9;
    return (h ^ (h >>> 16)) & mask;
  }

  private static int int4(byte[] b, int at) {
    return (b[at] << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }
}
