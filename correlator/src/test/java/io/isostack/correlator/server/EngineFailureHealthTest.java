package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.rules.RuleTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When the engine thread dies, /healthz says why (and serve exits 3, see ServeCommand). */
@Timeout(30)
class EngineFailureHealthTest {
  @Test
  void healthzNamesTheFatalErrorThatStoppedTheEngine() throws Exception {
    LiveSettings fast =
        new LiveSettings(
            AnalyzerSettings.defaults().withDefaultHost(ServeFixture.HOST),
            10_000_000L,
            20_000_000L,
            0,
            120_000_000_000L,
            100,
            100,
            10);
    LiveAnalyzer engine =
        new LiveAnalyzer(
            RuleTable.defaults(),
            fast,
            ServeFixture::now,
            f -> {
              throw new OutOfMemoryError("Java heap space (injected)");
            });
    LiveServer server =
        new LiveServer(
            engine,
            new ClockConverter(),
            new LiveServer.Settings(
                "127.0.0.1", -1, 0, 1 << 20, false, List.of(), List.of(), ServeFixture.HOST));
    server.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      long now = ServeFixture.now();
      byte[] slowRoot =
          ("{\"resourceSpans\":[{\"resource\":{\"attributes\":["
                  + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"backend\"}}]},"
                  + "\"scopeSpans\":[{\"spans\":["
                  + OtlpData.jsonSpan(
                      OtlpData.spanId(1), null, "GET /pay", now - 5_000_000_000L, now)
                  + "]}]}]}")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      HttpResponse<String> posted =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/traces"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(slowRoot))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
      while (engine.failure() == null) {
        Thread.sleep(20);
      }

      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.httpPort() + "/healthz"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body())
          .contains("the correlation engine stopped")
          .contains("OutOfMemoryError: Java heap space (injected)");
    } finally {
      server.close();
    }
  }
}
