package io.isostack.correlator.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The induction's counting and stopping, on faults that need no root: {@link Fault#NONE} (nothing
 * induced, compared with the baseline) and {@link Fault#SECCOMP}, whose induction is a no-op
 * because its filter is in place from the backend's start (compared with zero).
 */
class InductionTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.ofEpochSecond(1_700_000_000, 5), ZoneOffset.UTC);

  @TempDir Path tmp;

  @Test
  void probesSlowerThanTheReferenceByTheThresholdInduceTheFault() throws Exception {
    try (SlowServer server = new SlowServer(300);
        FaultLab lab = lab()) {
      Induction.Outcome o =
          new Induction(lab, new Load(), CLOCK)
              .run(
                  Fault.SECCOMP,
                  FaultSetup.create(lab, "test", "unit", 250, 18000),
                  null,
                  probe(server.uri("/slow"), 3, Duration.ofMillis(500)),
                  new Load.Result(1, new long[] {10_000_000_000L}),
                  n -> {},
                  n -> {});

      assertThat(o.induced()).isTrue();
      assertThat(o.slowed()).isEqualTo(5);
      assertThat(o.referenceNanos()).as("present from the start: compared with zero").isZero();
      assertThat(o.startEpochNanos()).isEqualTo(1_700_000_000_000_000_005L);
      assertThat(o.describe())
          .startsWith("fault seccomp induced at level 1 of 1 (mkdir and mkdirat denied): 5 of 5")
          .contains("at least 250 ms more than 0 ms; 3 needed");
    }
  }

  @Test
  void probesNotSlowerThanTheBaselines90thPercentileLeaveTheFaultNotInduced() throws Exception {
    long ms = 1_000_000L;
    // Median 100 ms, 90th percentile 2 s: a 400 ms probe is slowed against the median only.
    long[] latencies = new long[10];
    Arrays.fill(latencies, 100 * ms);
    latencies[3] = 2000 * ms;
    latencies[7] = 2000 * ms;
    Load.Result baseline = new Load.Result(10, latencies);
    try (SlowServer server = new SlowServer(400);
        FaultLab lab = lab()) {
      Induction.Outcome o =
          new Induction(lab, new Load(), CLOCK)
              .run(
                  Fault.NONE,
                  FaultSetup.create(lab, "test", "unit", 250, 18000),
                  null,
                  probe(server.uri("/slow"), 3, Duration.ofMillis(500)),
                  baseline,
                  n -> {},
                  n -> {});

      assertThat(o.induced()).isFalse();
      assertThat(o.slowed()).isZero();
      assertThat(o.answered()).isEqualTo(5);
      assertThat(o.referenceNanos()).as("the 90th percentile, not the median").isEqualTo(2000 * ms);
      assertThat(o.describe()).contains("could not be induced").contains("more than 2000 ms");
    }
  }

  @Test
  void probingLastsAtLeastTheMinimumDuration() throws Exception {
    try (SlowServer server = new SlowServer(0);
        FaultLab lab = lab()) {
      Induction.Probe probe =
          new Induction.Probe(
              server.uri("/ok"),
              10,
              Duration.ofMillis(300),
              2,
              250_000_000L,
              0,
              Duration.ofSeconds(1));
      Induction.Outcome o =
          new Induction(lab, new Load(), CLOCK)
              .run(
                  Fault.NONE,
                  FaultSetup.create(lab, "test", "unit", 250, 18000),
                  null,
                  probe,
                  new Load.Result(0, new long[0]),
                  n -> {},
                  n -> {});

      assertThat(o.induced()).as("none needed").isTrue();
      assertThat(o.drivenNanos()).isGreaterThanOrEqualTo(1_000_000_000L);
      assertThat(o.sent()).as("3 per window").isPositive().matches(n -> n % 3 == 0);
    }
  }

  @Test
  void aProbeWithoutRequestsIsRejected() {
    assertThatThrownBy(
            () ->
                new Induction.Probe(
                    URI.create("http://127.0.0.1/"),
                    0,
                    Duration.ofSeconds(1),
                    1,
                    1,
                    0,
                    Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rps");
  }

  private FaultLab lab() throws Exception {
    return new FaultLab(Files.createDirectories(tmp.resolve("samples")), tmp, "lab");
  }

  private static Induction.Probe probe(URI url, int needed, Duration window) {
    return new Induction.Probe(url, 10, window, 5, 250_000_000L, needed, window);
  }
}
