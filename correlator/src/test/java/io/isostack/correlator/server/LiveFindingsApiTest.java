package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.correlator.engine.LiveFinding;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LiveFindingsApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void slowSpanWithRunQueueEventsIsAFindingWithinASecondOfCompletion() throws Exception {
    try (ServeFixture serve = new ServeFixture()) {
      long end = ServeFixture.now();
      long start = end - 600_000_000L;
      StringBuilder events = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        long t = start + (i + 1) * 100_000_000L;
        events.append(
            "{\"event.name\":\"sched.runq_latency\",\"host.name\":\"node-1\",\"time_ns\":"
                + t
                + ",\"pid\":4242,\"tid\":4250,\"comm\":\"worker\",\"dur_ns\":90000000}\n");
      }
      HttpResponse<byte[]> ev =
          serve.post("/v1/kernel-events", "application/x-ndjson", events.toString().getBytes());
      assertThat(ev.statusCode()).isEqualTo(200);
      String trace =
          "{\"resourceSpans\":[{\"resource\":{\"attributes\":["
              + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"backend\"}},"
              + "{\"key\":\"host.name\",\"value\":{\"stringValue\":\"node-1\"}},"
              + "{\"key\":\"process.pid\",\"value\":{\"intValue\":\"4242\"}}]},"
              + "\"scopeSpans\":[{\"spans\":["
              + OtlpData.jsonSpan(OtlpData.spanId(1), null, "GET /pay", start, end)
              + "]}]}]}";
      assertThat(
              serve
                  .post("/v1/traces", "application/json", trace.getBytes(StandardCharsets.UTF_8))
                  .statusCode())
          .isEqualTo(200);

      JsonNode findings = null;
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < deadline) {
        findings = JSON.readTree(serve.get("/api/findings?limit=5").body());
        if (findings.size() > 0) {
          break;
        }
        Thread.sleep(20);
      }

      assertThat(findings).hasSize(1);
      JsonNode f = findings.get(0);
      assertThat(f.get("traceId").asText()).isEqualTo(OtlpData.TRACE);
      assertThat(f.get("cause").asText()).isEqualTo("cpu-saturation");
      assertThat(f.get("layer").asText()).isEqualTo("host");
      assertThat(f.get("evidence")).isNotEmpty();
      assertThat(f.get("publishedUnixNano").asLong())
          .isGreaterThanOrEqualTo(f.get("traceCompletedUnixNano").asLong());
      LiveFinding live = serve.published.get(0);
      assertThat(live.delayNanos()).isBetween(0L, 1_000_000_000L);
      JsonNode stats = JSON.readTree(serve.get("/api/stats").body());
      assertThat(stats.get("tracesEvaluated").asLong()).isEqualTo(1);
      assertThat(stats.get("eventsReceived").asLong()).isEqualTo(5);
    }
  }
}
