package io.isostack.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyze --traces} on the real CPU-throttle recording's traces re-encoded as Jaeger and
 * Zipkin JSON (by {@code foreign-traces/SYNTHESISED_otlp_to_jaeger_zipkin.py}, following the
 * OpenTelemetry Collector's translators) gives the verdicts the OTLP original gives.
 */
class ForeignTraceFormatsTest {
  private static final String CASE = "../samples/data/real-cpu-throttle/";
  private static JsonNode otlp;

  private static JsonNode analyze(String traces) throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = CorrelatorCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code =
        cli.execute(
            "analyze",
            "--traces",
            traces,
            "--events",
            CASE + "events-sched.jsonl",
            CASE + "events-cgroup.jsonl",
            "--format",
            "json");
    assertThat(code).as(err.toString()).isZero();
    return new ObjectMapper().readTree(out.toString());
  }

  @Test
  void jaegerJsonPassedAsEventsIsRefusedWithAHint() throws Exception {
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = CorrelatorCommand.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));

    int code =
        cli.execute(
            "analyze",
            "--traces",
            CASE + "traces.jsonl",
            "--events",
            fixture("SYNTHESISED_real-cpu-throttle.jaeger.json.gz"));

    assertThat(code).isZero();
    assertThat(err.toString()).contains("this looks like jaeger data; pass it with --traces");
  }

  private static String fixture(String name) throws URISyntaxException {
    return Path.of(ForeignTraceFormatsTest.class.getResource("foreign-traces/" + name).toURI())
        .toString();
  }

  @BeforeAll
  static void analyzeTheOtlpOriginal() throws IOException {
    otlp = analyze(CASE + "traces.jsonl");
  }

  private static List<String> verdicts(JsonNode report) {
    List<String> v = new ArrayList<>();
    for (JsonNode f : report.get("findings")) {
      v.add(
          f.get("traceId").asText()
              + " "
              + f.get("spanId").asText()
              + " "
              + f.get("layer").asText()
              + " "
              + f.get("cause").asText());
    }
    return v;
  }

  @Test
  void jaegerQueryApiJsonGivesTheVerdictsOfTheOtlpOriginal() throws Exception {
    JsonNode jaeger = analyze(fixture("SYNTHESISED_real-cpu-throttle.jaeger.json.gz"));

    assertThat(verdicts(otlp)).hasSizeGreaterThan(50);
    assertThat(verdicts(jaeger)).containsExactlyElementsOf(verdicts(otlp));
    assertThat(jaeger.at("/input/spans/total")).isEqualTo(otlp.at("/input/spans/total"));
    assertThat(jaeger.at("/input/spans/traces")).isEqualTo(otlp.at("/input/spans/traces"));
    assertThat(jaeger.at("/input/rejected/total").asLong()).isZero();
  }

  @Test
  void aSelfParentSpanIsAnalysedAsARootAndCountedInTheReport(@TempDir Path dir) throws Exception {
    Path zipkin = dir.resolve("self-parent.json");
    Files.writeString(
        zipkin,
        "[{\"traceId\":\"5af7183fb1d4cf5f\",\"id\":\"6b221d5bc9e6496c\","
            + "\"parentId\":\"6b221d5bc9e6496c\",\"name\":\"get /\",\"kind\":\"SERVER\","
            + "\"timestamp\":1795265544050000,\"duration\":900000,"
            + "\"localEndpoint\":{\"serviceName\":\"frontend\"}}]");

    JsonNode report = analyze(zipkin.toString());

    assertThat(report.at("/input/skipped/byReason/self-parent").asLong()).isEqualTo(1);
    assertThat(report.get("findings"))
        .singleElement()
        .satisfies(f -> assertThat(f.get("selfNanos").asLong()).isEqualTo(900_000_000L));
  }

  @Test
  void zipkinV2JsonGivesTheVerdictsOfTheOtlpOriginal() throws Exception {
    JsonNode zipkin = analyze(fixture("SYNTHESISED_real-cpu-throttle.zipkin.json.gz"));

    assertThat(verdicts(zipkin)).containsExactlyElementsOf(verdicts(otlp));
    assertThat(zipkin.at("/input/spans/total")).isEqualTo(otlp.at("/input/spans/total"));
    assertThat(zipkin.at("/input/spans/traces")).isEqualTo(otlp.at("/input/spans/traces"));
    assertThat(zipkin.at("/input/rejected/total").asLong()).isZero();
  }
}
