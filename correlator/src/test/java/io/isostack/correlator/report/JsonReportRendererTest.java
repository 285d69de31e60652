package io.isostack.correlator.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonReportRendererTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> LAYERS =
      Set.of("L-0", "L-1", "L-2", "L-3", "L-4", "host", "application", "unknown");

  private static JsonNode render(AnalysisReport report) throws IOException {
    StringWriter out = new StringWriter();
    new JsonReportRenderer().render(report, out);
    return MAPPER.readTree(out.toString());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void topLevelHasExactlyFindingsAndInput() throws IOException {
    JsonNode root = render(ReportFixtures.throttledCheckout());

    assertThat(fieldNames(root)).containsExactly("findings", "input");
    assertThat(root.get("findings").isArray()).isTrue();
    assertThat(root.get("input").isObject()).isTrue();
  }

  @Test
  void everyFindingHasTheDocumentedFieldsAndTypes() throws IOException {
    JsonNode findings = render(ReportFixtures.throttledCheckout()).get("findings");

    assertThat(findings).hasSize(2);
    for (JsonNode f : findings) {
      assertThat(f.get("traceId").asText()).matches("[0-9a-f]{32}");
      assertThat(f.get("spanId").asText()).matches("[0-9a-f]{16}");
      assertThat(f.get("service").isTextual()).isTrue();
      assertThat(f.get("name").isTextual()).isTrue();
      assertThat(f.get("durationNanos").isIntegralNumber()).isTrue();
      assertThat(f.get("layer").asText()).isIn(LAYERS);
      assertThat(f.get("network").isBoolean()).isTrue();
      assertThat(f.get("cause").isTextual()).isTrue();
      assertThat(f.get("confidence").isNumber()).isTrue();
      assertThat(f.get("confidence").asDouble()).isBetween(0.0, 1.0);
      assertThat(f.get("explainedNanos").isIntegralNumber()).isTrue();
      assertThat(f.get("evidence").isArray()).isTrue();
    }
  }

  @Test
  void cpuSaturationFindingNamesItsOtherConsumers() throws IOException {
    JsonNode f = render(ReportFixtures.saturatedNode()).get("findings").get(0);

    assertThat(f.get("cause").asText()).isEqualTo("cpu-saturation");
    JsonNode consumers = f.get("otherConsumers");
    assertThat(consumers.get("observed").asBoolean()).isTrue();
    assertThat(consumers.get("top")).hasSize(2);
    JsonNode first = consumers.get("top").get(0);
    assertThat(fieldNames(first)).containsExactly("pid", "tid", "comm", "waits", "waitedNanos");
    assertThat(first.get("pid").asInt()).isEqualTo(7001);
    assertThat(first.get("comm").asText()).isEqualTo("stress-ng");
    assertThat(first.get("waits").asInt()).isEqualTo(1);
    assertThat(first.get("waitedNanos").asLong()).isEqualTo(500_000_000L);
  }

  @Test
  void findingsOfOtherCausesHaveNoOtherConsumersField() throws IOException {
    for (JsonNode f : render(ReportFixtures.throttledCheckout()).get("findings")) {
      assertThat(f.has("otherConsumers")).as(f.get("cause").asText()).isFalse();
    }
  }

  @Test
  void findingCarriesTheVerdictAndItsNumbers() throws IOException {
    JsonNode first = render(ReportFixtures.throttledCheckout()).get("findings").get(0);

    assertThat(first.get("service").asText()).isEqualTo("backend");
    assertThat(first.get("name").asText()).isEqualTo("GET /pay");
    assertThat(first.get("durationNanos").asLong()).isEqualTo(1_410_000_000L);
    assertThat(first.get("layer").asText()).isEqualTo("L-3");
    assertThat(first.get("network").asBoolean()).isFalse();
    assertThat(first.get("cause").asText()).isEqualTo("cpu-throttle");
    assertThat(first.get("explainedNanos").asLong()).isEqualTo(1_300_000_000L);
    assertThat(first.get("confidence").asDouble()).isBetween(0.9, 1.0);
  }

  @Test
  void findingSaysHowMuchOfItsSlowRequestItHolds() throws IOException {
    JsonNode findings = render(ReportFixtures.throttledCheckout()).get("findings");

    // backend GET /pay holds 1.41 s of the 1.5 s checkout; api GET /report is its own request.
    assertThat(findings.get(0).get("requestNanos").asLong()).isEqualTo(1_500_000_000L);
    assertThat(findings.get(0).get("requestShare").asDouble()).isEqualTo(0.94);
    assertThat(findings.get(1).get("requestNanos").asLong()).isEqualTo(600_000_000L);
    assertThat(findings.get(1).get("requestShare").asDouble()).isEqualTo(1.0);
  }

  @Test
  void everyEvidenceHasNameEntityTimeDurationAndSource() throws IOException {
    JsonNode evidence =
        render(ReportFixtures.throttledCheckout()).get("findings").get(0).get("evidence");

    assertThat(evidence).isNotEmpty();
    for (JsonNode e : evidence) {
      assertThat(e.get("name").isTextual()).isTrue();
      assertThat(e.get("entity").isTextual()).isTrue();
      assertThat(e.get("timeUnixNano").isIntegralNumber()).isTrue();
      assertThat(e.get("durationNanos").isIntegralNumber()).isTrue();
      assertThat(e.get("source").isTextual()).isTrue();
    }
    JsonNode throttle = evidence.get(0);
    assertThat(throttle.get("name").asText()).isEqualTo("cpu.throttled");
    assertThat(throttle.get("entity").asText()).isEqualTo("cgroup /demo-backend");
    assertThat(throttle.get("timeUnixNano").asLong())
        .isEqualTo(io.isostack.correlator.testing.SpanBuilder.ms(1400));
    assertThat(throttle.get("durationNanos").asLong()).isEqualTo(1_300_000_000L);
    assertThat(throttle.get("source").asText()).isEqualTo("cgroup-sampler");
  }

  @Test
  void applicationFindingHasTheApplicationLayerAndNoEvidence() throws IOException {
    JsonNode app = render(ReportFixtures.throttledCheckout()).get("findings").get(1);

    assertThat(app.get("layer").asText()).isEqualTo("application");
    assertThat(app.get("cause").asText()).isEqualTo("application");
    assertThat(app.get("evidence")).isEmpty();
  }

  @Test
  void inputListsRejectedRecordsWithSourceLineAndReason() throws IOException {
    JsonNode input = render(ReportFixtures.throttledCheckout()).get("input");

    assertThat(input.at("/spans/total").asLong()).isEqualTo(3);
    assertThat(input.at("/spans/traces").asLong()).isEqualTo(2);
    assertThat(input.at("/rejected/total").asLong()).isEqualTo(1);
    assertThat(input.at("/rejected/byReason/invalid-id").asLong()).isEqualTo(1);
    JsonNode first = input.at("/rejected/first/0");
    assertThat(first.get("source").asText()).isEqualTo("traces.jsonl");
    assertThat(first.get("line").asLong()).isEqualTo(2);
    assertThat(first.get("reason").asText()).isEqualTo("invalid-id");
  }

  @Test
  void emptyReportHasAnEmptyFindingsArray() throws IOException {
    JsonNode root = render(ReportFixtures.empty());
    assertThat(fieldNames(root)).containsExactly("findings", "input");
    assertThat(root.get("findings")).isEmpty();
  }

  @Test
  void renderLineWritesOneFindingAsOneLine() throws IOException {
    AnalysisReport report = ReportFixtures.throttledCheckout();
    StringWriter out = new StringWriter();
    new JsonReportRenderer().renderLine(report.findings().get(0), out);

    String text = out.toString();
    assertThat(text).endsWith("\n");
    assertThat(text.strip()).doesNotContain("\n");
    assertThat(MAPPER.readTree(text).get("spanId").asText())
        .isEqualTo(report.findings().get(0).span().spanId());
  }
}
