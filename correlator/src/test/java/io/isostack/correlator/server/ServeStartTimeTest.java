package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.codec.LibbpfToolsReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code serve --events libbpf:execsnoop:FILE} places a real {@code execsnoop -t} recording's
 * relative times with the start time it was given, as {@code analyze} does.
 */
@Timeout(30)
class ServeStartTimeTest {
  private static final Instant START = Instant.parse("2026-12-01T19:00:00Z");

  private static String events() throws Exception {
    return "libbpf:execsnoop:"
        + Path.of(ServeStartTimeTest.class.getResource("../cli/execsnoop_t.txt").toURI());
  }

  private static long rejectedAnchors(ServeFixture serve) throws Exception {
    JsonNode stats = new ObjectMapper().readTree(serve.get("/api/stats").body());
    return stats.at("/rejectedByReason/missing-time-anchor").asLong();
  }

  @Test
  void aFollowedFileIsAnchoredByTheStartTime() throws Exception {
    LibbpfToolsReader.Options anchored =
        LibbpfToolsReader.Options.defaults(Clock.systemUTC())
            .withStart(START.getEpochSecond() * 1_000_000_000L);
    try (ServeFixture serve =
        new ServeFixture(10_000, true, List.of(events()), List.of(), anchored)) {
      serve.awaitStats(s -> s.eventsReceived() == 11);
      assertThat(rejectedAnchors(serve)).isZero();
    }
  }

  @Test
  void withoutItTheRecordsAreRejectedAsUndated() throws Exception {
    try (ServeFixture serve = new ServeFixture(10_000, true, List.of(events()), List.of())) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (rejectedAnchors(serve) < 11 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(rejectedAnchors(serve)).isEqualTo(11);
      assertThat(serve.engine.stats().eventsReceived()).isZero();
    }
  }
}
