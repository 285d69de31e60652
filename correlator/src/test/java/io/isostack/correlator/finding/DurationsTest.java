package io.isostack.correlator.finding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

  /** Three significant digits at most, the largest fitting unit, no trailing zeros or point. */
  @ParameterizedTest
  @CsvSource({
    "1410000000, 1.41 s",
    "120000000, 120 ms",
    "900000, 900 µs",
    "999, 999 ns",
    "100000000000, 100 s",
    "12340000, 12.3 ms",
    "12360000, 12.4 ms",
    "999600000, 1000 ms",
    "1500000, 1.5 ms",
    "2000000, 2 ms",
    "10000000, 10 ms",
    "20500000, 20.5 ms",
    "1000, 1 µs",
    "-1500000, -1.5 ms",
    "-2000000000, -2 s"
  })
  void formatsForPeople(long nanos, String expected) {
    assertThat(Durations.human(nanos)).isEqualTo(expected);
  }
}
