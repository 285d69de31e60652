package io.isostack.correlator.compose;

import static io.isostack.correlator.compose.ComposeProject.argv;
import static io.isostack.correlator.compose.ComposeProject.compose;
import static io.isostack.correlator.compose.ComposeProject.containerPorts;
import static io.isostack.correlator.compose.ComposeProject.file;
import static io.isostack.correlator.compose.ComposeProject.option;
import static io.isostack.correlator.compose.ComposeProject.service;
import static io.isostack.correlator.compose.ComposeProject.strings;
import static io.isostack.correlator.compose.ComposeProject.withOverride;
import static io.isostack.correlator.compose.ComposeProject.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code scale} profile ({@code samples/compose/scale.yml} over {@code docker-compose.yml}) and
 * the Collector config it switches to, read structurally: no Docker engine is needed (and none was
 * available where it was written, so this and the in-process broker tests are its checks).
 */
class ComposeScaleTest {
  private static final List<String> INSTANCES =
      List.of("correlator-stream-1", "correlator-stream-2");

  private static JsonNode overlay() {
    return yaml(file("samples/compose/scale.yml")).path("services");
  }

  /** A service as {@code docker compose -f docker-compose.yml -f scale.yml} runs it. */
  private static JsonNode merged(String name) {
    return withOverride(service(name), overlay().path(name));
  }

  @Test
  void addsTheBrokerTheTopicsAndTwoStreamInstancesOnlyInTheScaleProfile() {
    JsonNode services = overlay();
    for (String s : List.of("kafka", "kafka-topics", INSTANCES.get(0), INSTANCES.get(1))) {
      assertThat(compose().path("services").has(s)).as(s + " is new").isFalse();
      assertThat(strings(services.path(s).path("profiles"))).as(s).containsExactly("scale");
      String image = services.path(s).path("image").asText();
      assertThat(image).as(s).matches("[^:@]+:[^:]+").doesNotEndWith(":latest");
    }
    assertThat(services.path("kafka").path("image").asText()).startsWith("apache/kafka:");
  }

  @Test
  void createsTheSourceTopicsTheInstancesRead() {
    String script = String.join(" ", strings(overlay().path("kafka-topics").path("command")));
    List<String> stream = argv(merged(INSTANCES.get(0)));
    for (String flag : List.of("--spans-topic", "--events-topic", "--findings-topic")) {
      assertThat(option(stream, flag)).as(flag + ": the defaults are used").isNull();
    }
    assertThat(script).contains("otlp_spans", "otlp_logs", "isostack_findings");
    JsonNode exporter = yaml(file("samples/compose/otel-collector-kafka.yaml")).path("exporters");
    assertThat(exporter.path("kafka").path("traces").path("topic").asText())
        .isEqualTo("otlp_spans");
    assertThat(exporter.path("kafka").path("traces").path("encoding").asText())
        .isEqualTo("otlp_proto");
    assertThat(exporter.path("kafka").path("logs").path("topic").asText()).isEqualTo("otlp_logs");
    assertThat(exporter.path("kafka").path("partition_traces_by_id").asBoolean()).isTrue();
    assertThat(exporter.path("kafka").path("brokers").get(0).asText()).isEqualTo("kafka:9092");
  }

  @Test
  void runsEachInstanceOnTheBrokerWithItsHttpFaceOnItsOwnHostPort() {
    List<String> published = new java.util.ArrayList<>();
    for (String name : INSTANCES) {
      JsonNode s = merged(name);
      List<String> argv = argv(s);
      assertThat(argv).as(name).startsWith("stream").contains("--api");
      assertThat(option(argv, "--bootstrap-servers")).isEqualTo("kafka:9092");
      assertThat(option(argv, "--bind")).isEqualTo("0.0.0.0");
      assertThat(option(argv, "--host")).isEqualTo(option(argv(service("correlator")), "--host"));
      assertThat(containerPorts(s)).as(name).contains(8318);
      assertThat(String.join(" ", strings(s.path("healthcheck").path("test"))))
          .contains("/dev/tcp/127.0.0.1/8318", "/healthz");
      published.addAll(strings(s.path("ports")));
    }
    assertThat(published).containsExactly("8319:8318", "8320:8318");
  }

  @Test
  void sendsSpansAndKernelEventsThroughTheCollectorToKafka() {
    JsonNode collector = merged("otel-collector");
    assertThat(strings(collector.path("volumes")))
        .contains(
            "./samples/compose/otel-collector-kafka.yaml:/etc/otelcol-contrib/config.yaml:ro");
    assertThat(strings(collector.path("depends_on"))).contains("kafka-topics");
    JsonNode producer = merged("ebpf-producer");
    assertThat(producer.path("environment").path("SHIP_FORMAT").asText()).isEqualTo("otlp");
    URI target = URI.create(producer.path("environment").path("CORRELATOR_URL").asText());
    assertThat(target.getHost()).isEqualTo("otel-collector");
    assertThat(target.getPath()).isEqualTo("/v1/logs");
    assertThat(containerPorts(collector)).contains(target.getPort());
    JsonNode pipelines =
        yaml(file("samples/compose/otel-collector-kafka.yaml")).path("service").path("pipelines");
    assertThat(strings(pipelines.path("logs").path("exporters"))).containsExactly("kafka");
    assertThat(strings(pipelines.path("traces").path("exporters"))).containsExactly("kafka");
  }

  @Test
  void dependsOnlyOnServicesThatExistWithTheOverlay() {
    for (Map.Entry<String, JsonNode> s : overlay().properties()) {
      JsonNode deps = merged(s.getKey()).path("depends_on");
      List<String> names = deps.isArray() ? strings(deps) : ComposeProject.names(deps);
      for (String d : names) {
        assertThat(compose().path("services").has(d) || overlay().has(d))
            .as(s.getKey() + " depends on " + d)
            .isTrue();
      }
    }
  }

  @Test
  void theReadmeSaysHowToRunItAndThatItWasNotRunHere() throws IOException {
    assertThat(Files.readString(file("README.md")))
        .contains("--profile scale")
        .contains("samples/compose/scale.yml")
        .contains("**This profile has not\nbeen run**");
  }
}
