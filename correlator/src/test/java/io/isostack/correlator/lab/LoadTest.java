package io.isostack.correlator.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LoadTest {
  @Test
  void measuresEachAnswersLatencyAtTheClient() throws Exception {
    try (SlowServer server = new SlowServer(300)) {
      Load.Result r =
          new Load().drive(server.uri("/slow"), 10, Duration.ofMillis(500), true, 5, n -> {});

      assertThat(r.sent()).isEqualTo(5);
      assertThat(r.answered()).isEqualTo(5);
      assertThat(Arrays.stream(r.latenciesNanos()).boxed())
          .allSatisfy(l -> assertThat(l).isBetween(300_000_000L, 3_000_000_000L));
      assertThat(r.atLeast(300_000_000L)).isEqualTo(5);
      assertThat(r.atLeast(5_000_000_000L)).isZero();
    }
  }

  @Test
  void serverErrorsAreNotAnswers() throws Exception {
    try (SlowServer server = new SlowServer(0)) {
      Load.Result r =
          new Load().drive(server.uri("/broken"), 10, Duration.ofMillis(300), true, 2, n -> {});

      assertThat(r.sent()).isEqualTo(3);
      assertThat(r.answered()).isZero();
      assertThat(r.quantileNanos(0.9)).isZero();
    }
  }

  @Test
  void unsampledRequestsSayNotSampled() throws Exception {
    try (SlowServer server = new SlowServer(0)) {
      new Load().drive(server.uri("/ok"), 10, Duration.ofMillis(200), false, 2, n -> {});
      new Load().drive(server.uri("/ok"), 10, Duration.ofMillis(100), true, 2, n -> {});

      assertThat(server.traceparents)
          .containsExactly(
              "00-11111111111111111111111111111111-2222222222222222-00",
              "00-11111111111111111111111111111111-2222222222222222-00",
              "null");
    }
  }

  @Test
  void quantilesAreNearestRank() {
    Load.Result r = new Load.Result(10, new long[] {100, 10, 90, 20, 80, 30, 70, 40, 60, 50});

    assertThat(r.quantileNanos(0.5)).isEqualTo(50);
    assertThat(r.quantileNanos(0.9)).isEqualTo(90);
    assertThat(r.quantileNanos(1)).isEqualTo(100);
    assertThat(new Load.Result(3, new long[] {30, 10, 20}).quantileNanos(0.5)).isEqualTo(20);
  }

  @Test
  void aQuantileOutsideZeroToOneIsRejected() {
    assertThatThrownBy(() -> new Load.Result(1, new long[] {1}).quantileNanos(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("q");
  }
}
