package io.isostack.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A small direct-mapped cache from the bytes of a trace id (16 bytes) or span id (8 bytes) to the
 * hex {@code String} already made from equal bytes, its keys held as {@code long}s in primitive
 * arrays: a lookup reads one or two longs from the request and compares them with two array slots,
 * with no key object to reach and no copy of the bytes kept (a {@link Utf8StringCache} of the ids
 * spent most of its time loading the byte-array keys of unique span ids). It holds only the hex its
 * caller made and checked itself ({@link #put}).
 *
 * <p>Not thread-safe: one per decoder.
 */
final class HexIdCache {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final long[] first;
  private final long[] second;
  private final String[] values;
  private final int mask;

  /**
   * Creates a cache.
   *
   * @param sizePowerOfTwo number of slots, a power of two
   */
  HexIdCache(int sizePowerOfTwo) {
    if (Integer.bitCount(sizePowerOfTwo) != 1) {
      throw new IllegalArgumentException("sizePowerOfTwo: not a power of two: " + sizePowerOfTwo);
    }
    first = new long[sizePowerOfTwo];
    second = new long[sizePowerOfTwo];
    values = new String[sizePowerOfTwo];
    mask = sizePowerOfTwo - 1;
  }

  /**
   * The hex made earlier from bytes equal to {@code buf[off, off+len)}, or null (always for a
   * length other than 8 or 16).
   */
  String get(byte[] buf, int off, int len) {
    if (len != 8 && len != 16) {
      return null;
    }
    long a = (long) LONGS.get(buf, off);
    long b = len == 16 ? (long) LONGS.get(buf, off + 8) : 0;
    int slot = slot(a, b);
    String v = values[slot];
    if (v != null && v.length() == 2 * len && first[slot] == a && second[slot] == b) {
      return v;
    }
    return null;
  }

  /** Remembers that {@code buf[off, off+len)} is {@code hex}; ignored unless 8 or 16 bytes. */
  void put(byte[] buf, int off, int len, String hex) {
    if (len != 8 && len != 16) {
      return;
    }
    long a = (long) LONGS.get(buf, off);
    long b = len == 16 ? (long) LONGS.get(buf, off + 8) : 0;
    int slot = slot(a, b);
    first[slot] = a;
    second[slot] = b;
    values[slot] = hex;
  }

  private int slot(long a, long b) {
    long h = (a ^ (b * 0x9e3779b97f4a7c15L)) * 0xbf58476d1ce4e5b9L;
    return (int) (h >>> 40) & mask;
  }
}
