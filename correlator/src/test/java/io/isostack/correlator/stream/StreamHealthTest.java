package io.isostack.correlator.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.engine.LiveView;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.server.LiveHttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The health of an instance follows its Kafka Streams state: not ok before it starts and after it
 * stops, with the state as the reason (no broker is needed: nothing connects before start).
 */
class StreamHealthTest {
  @Test
  void notStartedAndStoppedInstancesAreUnhealthyNamingTheStateAndHealthzIs503() throws Exception {
    Path state = Files.createTempDirectory("isostack-stream");
    StreamSettings settings =
        RealBrokerReplayTest.settings("health", state, "127.0.0.1:9").with("health", 1, Map.of());
    CorrelatorStream stream = new CorrelatorStream(settings, RuleTable.defaults(), f -> {});
    try {
      LiveView.Health created = stream.health();
      assertThat(created.ok()).isFalse();
      assertThat(created.detail()).startsWith("CREATED");
      stream.close();
      LiveView.Health stopped = stream.health();
      assertThat(stopped.ok()).isFalse();
      assertThat(stopped.detail()).startsWith("NOT_RUNNING");
      try (LiveHttpServer http = new LiveHttpServer("127.0.0.1", 0, stream, Map::of, false, null)) {
        http.start();
        HttpResponse<String> r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + http.port() + "/healthz"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).startsWith("NOT_RUNNING");
      }
    } finally {
      stream.close();
      KraftBroker.delete(state);
    }
  }
}
