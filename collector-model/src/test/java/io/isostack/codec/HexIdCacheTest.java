package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HexIdCacheTest {
  private static final byte[] TRACE = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) 0xff, (byte) 0xfe
  };

  @Test
  void returnsWhatWasPutForEqualBytesAnywhereInABuffer() {
    HexIdCache cache = new HexIdCache(16);
    cache.put(TRACE, 0, 16, "000102030405060708090a0b0c0d0e0f");
    byte[] other = new byte[20];
    System.arraycopy(TRACE, 0, other, 3, 16);

    assertThat(cache.get(other, 3, 16)).isEqualTo("000102030405060708090a0b0c0d0e0f");
  }

  @Test
  void tellsApartASpanIdFromTheTraceIdItBegins() {
    HexIdCache cache = new HexIdCache(16);
    cache.put(TRACE, 0, 16, "000102030405060708090a0b0c0d0e0f");

    assertThat(cache.get(TRACE, 0, 8)).isNull();
    cache.put(TRACE, 0, 8, "0001020304050607");
    assertThat(cache.get(TRACE, 0, 8)).isEqualTo("0001020304050607");
  }

  @Test
  void missesOtherBytesAndOtherLengths() {
    HexIdCache cache = new HexIdCache(16);
    cache.put(TRACE, 0, 8, "0001020304050607");
    cache.put(TRACE, 0, 4, "00010203");

    assertThat(cache.get(TRACE, 1, 8)).isNull();
    assertThat(cache.get(TRACE, 0, 4)).isNull();
    assertThat(cache.get(TRACE, 2, 16)).isNull();
  }
}
