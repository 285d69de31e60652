package io.isostack.codec;

import java.util.Arrays;

/**
 * A small direct-mapped cache that turns repeated character runs (host names, comms, sources,
 * devices, cgroup paths, units) into one shared {@link String} without allocating on a hit.
 *
 * <p>Not thread-safe: one per reader.
 */
final class StringCache {
  private static final int MAX_CACHED_LENGTH = 256;

  private final String[] slots;
  private final char[][] texts;
  private final int mask;

  /**
   * Creates a cache.
   *
   * @param sizePowerOfTwo number of slots, a power of two
   */
  StringCache(int sizePowerOfTwo) {
    if (Integer.bitCount(sizePowerOfTwo) != 1) {
      throw new IllegalArgumentException("sizePowerOfTwo: not a power of two: " + sizePowerOfTwo);
    }
    this.slots = new String[sizePowerOfTwo];
    this.texts = new char[sizePowerOfTwo][];
    this.mask = sizePowerOfTwo - 1;
  }

  /** Returns the string for {@code chars[off, off+len)}, shared with earlier equal runs. */
  String get(char[] chars, int off, int len) {
    if (len > MAX_CACHED_LENGTH) {
      return new String(chars, off, len);
    }
    int h = 0;
    for (int i = off, end = off + len; i < end; i++) {
      h = 31 * h + chars[i];
    }
    int slot = (h ^ (h >>> 16)) & mask;
    // The slot's characters compared as arrays: String.charAt per character costs a call each
    // under C1, which the launcher runs analyze with.
    char[] t = texts[slot];
    if (t != null && t.length == len && Arrays.equals(t, 0, len, chars, off, off + len)) {
      return slots[slot];
    }
    String s = new String(chars, off, len);
    slots[slot] = s;
    texts[slot] = Arrays.copyOfRange(chars, off, off + len);
    return s;
  }
}
