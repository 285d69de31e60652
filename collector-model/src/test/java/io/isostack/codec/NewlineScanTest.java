package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NewlineScanTest {

  @Test
  void findsTheFirstNewlineAsAByteLoopDoes() {
    SplittableRandom r = new SplittableRandom(1);
    byte[] alphabet = {'\n', '\r', 'a', 0x0b, 0x09, (byte) 0x8a, (byte) 0xff, 0};
    for (int n = 0; n < 20_000; n++) {
      byte[] b = new byte[r.nextInt(0, 40)];
      for (int i = 0; i < b.length; i++) {
        b[i] = r.nextInt(6) == 0 ? alphabet[r.nextInt(alphabet.length)] : (byte) r.nextInt(256);
      }
      int from = b.length == 0 ? 0 : r.nextInt(b.length + 1);
      int to = from + r.nextInt(b.length - from + 1);
      assertThat(NewlineScan.indexOf(b, from, to))
          .isEqualTo(LineSplitter.indexOf(b, from, to, (byte) '\n'));
    }
  }
}
