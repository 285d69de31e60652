package io.isostack.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveSettings;
import org.junit.jupiter.api.Test;

class SettingFlagsTest {
  @Test
  void engineSettingsNameTheSettingNotAFlag() {
    assertThatThrownBy(() -> AnalyzerSettings.defaults().withSlowThreshold(0))
        .hasMessage("slowThresholdNanos must be positive: 0");
  }

  @Test
  void aSettingNameBecomesItsFlag() {
    assertThat(SettingFlags.describe("slowThresholdNanos must be positive: 0"))
        .isEqualTo("--slow-threshold must be positive: 0");
  }

  @Test
  void slowRequestBecomesItsFlag() {
    String message = catchMessage(() -> AnalyzerSettings.defaults().withSlowRequest(-1));

    assertThat(SettingFlags.describe(message)).isEqualTo("--slow-request must be positive: -1");
  }

  @Test
  void bothSettingsOfAComparisonBecomeFlags() {
    String message =
        catchMessage(() -> new LiveSettings(AnalyzerSettings.defaults(), 10, 5, 0, 1_000, 1, 1, 1));

    assertThat(SettingFlags.describe(message))
        .isEqualTo("--trace-timeout must be at least --trace-idle: 5 < 10");
  }

  @Test
  void ordinaryWordsAndPathsAreLeftAlone() {
    assertThat(SettingFlags.describe("cannot read /tmp/endpoint/protocol.json: no such file"))
        .isEqualTo("cannot read /tmp/endpoint/protocol.json: no such file");
    assertThat(SettingFlags.describe("endpoint is not a URL: x"))
        .isEqualTo("--otlp-endpoint is not a URL: x");
  }

  private static String catchMessage(Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("no IllegalArgumentException");
  }
}
