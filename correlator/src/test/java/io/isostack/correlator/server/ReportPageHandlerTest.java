package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ReportPageHandlerTest {

  @Test
  void rootServesTheReportPageOfTheRecentFindings() throws Exception {
    try (ServeFixture serve = new ServeFixture()) {
      HttpResponse<String> empty = serve.get("/");
      assertThat(empty.statusCode()).isEqualTo(200);
      assertThat(empty.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(empty.body())
          .contains("<meta http-equiv=\"refresh\" content=\"5\">")
          .contains("No slow hops");

      long end = ServeFixture.now();
      long start = end - 600_000_000L;
      StringBuilder events = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        events.append(
            "{\"event.name\":\"sched.runq_latency\",\"host.name\":\"node-1\",\"time_ns\":"
                + (start + (i + 1) * 100_000_000L)
                + ",\"pid\":4242,\"tid\":4250,\"comm\":\"worker\",\"dur_ns\":90000000}\n");
      }
      assertThat(
              serve
                  .post("/v1/kernel-events", "application/x-ndjson", events.toString().getBytes())
                  .statusCode())
          .isEqualTo(200);
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
      serve.awaitStats(s -> !s.findingsByLayer().isEmpty());

      String page = serve.get("/").body();
      assertThat(page)
          .contains("backend GET /pay")
          .contains("host, CPU saturation")
          .contains("<g class=\"lane verdict\" data-lane=\"host\">")
          .contains("after its trace completed")
          .doesNotContain("No slow hops");
      assertThat(serve.get("/?limit=0").body()).contains("No slow hops");
    }
  }

  @Test
  void aBadLimitIsRefused() throws Exception {
    try (ServeFixture serve = new ServeFixture()) {
      assertThat(serve.get("/?limit=many").statusCode()).isEqualTo(400);
      assertThat(serve.post("/", "text/plain", new byte[0]).statusCode()).isEqualTo(405);
    }
  }
}
