package io.isostack.correlator.finding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void threeSignificantDigitsAtMostInTheLargestFittingUnit() {
    assertThat(Durations.human(1_410_000_000L)).isEqualTo("1.41 s");
    assertThat(Durations.human(120_000_000L)).isEqualTo("120 ms");
    assertThat(Durations.human(900_000L)).isEqualTo("900 µs");
    assertThat(Durations.human(999L)).isEqualTo("999 ns");
    assertThat(Durations.human(100_000_000_000L)).isEqualTo("100 s");
    assertThat(Durations.human(12_340_000L)).isEqualTo("12.3 ms");
    assertThat(Durations.human(12_360_000L)).isEqualTo("12.4 ms");
    assertThat(Durations.human(999_600_000L)).isEqualTo("1000 ms");
  }

  @Test
  void trailingZerosAndPointAreDropped() {
    assertThat(Durations.human(1_500_000L)).isEqualTo("1.5 ms");
    assertThat(Durations.human(2_000_000L)).isEqualTo("2 ms");
    assertThat(Durations.human(10_000_000L)).isEqualTo("10 ms");
    assertThat(Durations.human(20_500_000L)).isEqualTo("20.5 ms");
    assertThat(Durations.human(1_000L)).isEqualTo("1 µs");
    assertThat(Durations.human(-1_500_000L)).isEqualTo("-1.5 ms");
    assertThat(Durations.human(-2_000_000_000L)).isEqualTo("-2 s");
  }
}
