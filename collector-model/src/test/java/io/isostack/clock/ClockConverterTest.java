package io.isostack.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClockConverterTest {

  private final ClockConverter clocks = new ClockConverter();

  @Test
  void syncGivesRealtimeOfSyncPlusElapsedClockTime() {
    clocks.sync("vm", ClockDomain.BOOTTIME, 434658248498L, 1795265544053193000L);

    assertThat(clocks.toEpochNanos("vm", ClockDomain.BOOTTIME, 434700112233L))
        .isEqualTo(1795265544053193000L + (434700112233L - 434658248498L));
  }

  @Test
  void laterSyncReplacesEarlierOne() {
    clocks.sync("vm", ClockDomain.BOOTTIME, 100, 1_000_000);
    clocks.sync("vm", ClockDomain.BOOTTIME, 100, 2_000_000);

    assertThat(clocks.toEpochNanos("vm", ClockDomain.BOOTTIME, 150)).isEqualTo(2_000_050);
  }

  @Test
  void syncIsPerHostAndPerClock() {
    clocks.sync("vm", ClockDomain.BOOTTIME, 100, 1_000_000);

    assertThat(clocks.canConvert("vm", ClockDomain.BOOTTIME)).isTrue();
    assertThat(clocks.canConvert("vm", ClockDomain.MONOTONIC)).isFalse();
    assertThat(clocks.canConvert("other", ClockDomain.BOOTTIME)).isFalse();
  }

  @Test
  void realtimePassesThroughWithoutOffset() {
    assertThat(clocks.canConvert("any", ClockDomain.REALTIME)).isTrue();
    assertThat(clocks.toEpochNanos("any", ClockDomain.REALTIME, 123)).isEqualTo(123);
  }

  @Test
  void unknownOffsetThrowsNamingHostAndClock() {
    assertThatThrownBy(() -> clocks.toEpochNanos("vm", ClockDomain.MONOTONIC, 5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("monotonic")
        .hasMessageContaining("'vm'");
  }

  @Test
  void userOffsetAppliesToHostsWithoutTheirOwnSync() {
    clocks.setUserOffset(ClockDomain.MONOTONIC, 1000);
    clocks.sync("vm", ClockDomain.MONOTONIC, 10, 5000);

    assertThat(clocks.toEpochNanos("other", ClockDomain.MONOTONIC, 1)).isEqualTo(1001);
    assertThat(clocks.toEpochNanos("vm", ClockDomain.MONOTONIC, 11)).isEqualTo(5001);
  }

  @Test
  void parsesClockOffsetOption() {
    assertThat(ClockConverter.parseOffsetOption("boottime=1795265109394948433"))
        .isEqualTo(new ClockConverter.UserOffset(ClockDomain.BOOTTIME, 1795265109394948433L));
    assertThat(ClockConverter.parseOffsetOption(" MONOTONIC = -42 "))
        .isEqualTo(new ClockConverter.UserOffset(ClockDomain.MONOTONIC, -42));
  }

  @Test
  void malformedClockOffsetOptionNamesTheValue() {
    for (String bad :
        new String[] {"boottime", "boottime=", "tai=5", "realtime=5", "=5", "boottime=1.5"}) {
      assertThatThrownBy(() -> ClockConverter.parseOffsetOption(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--clock-offset '" + bad + "'");
    }
  }
}
