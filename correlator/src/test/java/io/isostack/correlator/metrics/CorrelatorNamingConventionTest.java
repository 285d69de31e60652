package io.isostack.correlator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import org.junit.jupiter.api.Test;

class CorrelatorNamingConventionTest {
  private final CorrelatorNamingConvention names = new CorrelatorNamingConvention();

  @Test
  void countUnitsAreNotRepeatedInCorrelatorNames() {
    assertThat(names.name("correlator.records.received", Meter.Type.COUNTER, "records"))
        .isEqualTo("correlator_records_received");
    assertThat(names.name("correlator.batches.refused", Meter.Type.COUNTER, "batches"))
        .isEqualTo("correlator_batches_refused");
  }

  @Test
  void bytesAndSecondsAreAppendedUnlessTheNameSaysThem() {
    assertThat(names.name("correlator.bytes.received", Meter.Type.COUNTER, "bytes"))
        .isEqualTo("correlator_bytes_received");
    assertThat(names.name("correlator.finding.delay", Meter.Type.TIMER, "seconds"))
        .isEqualTo("correlator_finding_delay_seconds");
  }

  @Test
  void otherMetersKeepMicrometersNames() {
    assertThat(names.name("jvm.threads.live", Meter.Type.GAUGE, "threads"))
        .isEqualTo("jvm_threads_live_threads");
  }
}
