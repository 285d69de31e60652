package io.isostack.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz tests of every reader (Jazzer). In the normal build they run in regression mode: each seed
 * under {@code src/test/resources/io/isostack/codec/ReadersFuzzTestInputs/<method>/} once (the
 * fuzzer's crashing inputs among them), each within 1 s. {@code mvn -Pfuzz} fuzzes them (README,
 * "Security and hostile input"); a crash is any exception or a run over 1 s on one input.
 */
class ReadersFuzzTest {
  private static final List<FormatReader<?>> FORMATS = FormatReaders.all();

  /** Loads the readers' classes and Jackson once, so that the 1 s bound is the input's. */
  @BeforeAll
  static void warmUp() throws IOException {
    EveryReader.readAll("{\"a\":1}\n".getBytes(StandardCharsets.UTF_8));
  }

  /** The bytes detected, then read with every format, whole and as one line or message. */
  @Timeout(value = 1, unit = TimeUnit.SECONDS)
  @FuzzTest(maxDuration = "10m")
  void everyReader(byte[] input) throws IOException {
    EveryReader.readAll(input);
  }

  /** One format, chosen by the fuzzer, on the rest of the input: deeper into each reader. */
  @Timeout(value = 1, unit = TimeUnit.SECONDS)
  @FuzzTest(maxDuration = "10m")
  void oneReader(FuzzedDataProvider data) throws IOException {
    FormatReader<?> f = FORMATS.get(data.consumeInt(0, FORMATS.size() - 1));
    EveryReader.read(f, data.consumeRemainingAsBytes());
  }
}
