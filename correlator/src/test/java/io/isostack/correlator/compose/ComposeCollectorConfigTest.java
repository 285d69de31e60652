package io.isostack.correlator.compose;

import static io.isostack.correlator.compose.ComposeProject.collectorConfig;
import static io.isostack.correlator.compose.ComposeProject.compose;
import static io.isostack.correlator.compose.ComposeProject.containerPorts;
import static io.isostack.correlator.compose.ComposeProject.names;
import static io.isostack.correlator.compose.ComposeProject.service;
import static io.isostack.correlator.compose.ComposeProject.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code samples/compose/otel-collector.yaml} read structurally: what it receives, where it sends
 * it, and that its pipelines name only what it defines and its exporters only Compose services.
 */
class ComposeCollectorConfigTest {

  @Test
  void mountsTheConfigWhereTheCollectorReadsIt() {
    JsonNode collector = service("otel-collector");
    assertThat(strings(collector.path("volumes")))
        .contains("./samples/compose/otel-collector.yaml:/etc/otelcol-contrib/config.yaml:ro");
    assertThat(strings(collector.path("command")))
        .containsExactly("--config=/etc/otelcol-contrib/config.yaml");
  }

  @Test
  void receivesOtlpOnAllInterfacesOnThePublishedPorts() {
    JsonNode protocols = collectorConfig().path("receivers").path("otlp").path("protocols");
    assertThat(protocols.path("grpc").path("endpoint").asText()).isEqualTo("0.0.0.0:4317");
    assertThat(protocols.path("http").path("endpoint").asText()).isEqualTo("0.0.0.0:4318");
    assertThat(containerPorts(service("otel-collector"))).contains(4317, 4318);
  }

  @Test
  void pipelinesNameOnlyDefinedComponents() {
    JsonNode config = collectorConfig();
    JsonNode pipelines = config.path("service").path("pipelines");
    assertThat(names(pipelines)).isNotEmpty();
    for (Map.Entry<String, JsonNode> p : pipelines.properties()) {
      for (String kind : List.of("receivers", "processors", "exporters")) {
        for (String component : strings(p.getValue().path(kind))) {
          assertThat(config.path(kind).has(component))
              .as("pipeline " + p.getKey() + " names " + kind + " " + component)
              .isTrue();
        }
      }
      assertThat(strings(p.getValue().path("receivers"))).as(p.getKey()).isNotEmpty();
      assertThat(strings(p.getValue().path("exporters"))).as(p.getKey()).isNotEmpty();
    }
  }

  @Test
  void sendsTracesToJaegerAndTheCorrelatorAndLogsToTheCorrelator() {
    JsonNode pipelines = collectorConfig().path("service").path("pipelines");
    assertThat(strings(pipelines.path("traces").path("receivers"))).contains("otlp");
    assertThat(strings(pipelines.path("traces").path("exporters")))
        .contains("otlp/jaeger", "otlphttp/correlator");
    assertThat(strings(pipelines.path("logs").path("exporters"))).contains("otlphttp/correlator");
  }

  @Test
  void exportersPointAtComposeServicesWithoutTls() {
    JsonNode services = compose().path("services");
    for (Map.Entry<String, JsonNode> e : collectorConfig().path("exporters").properties()) {
      String type = e.getKey().split("/", 2)[0];
      if (!type.equals("otlp")) {
        continue; // debug and the like send nowhere
      }
      String endpoint = e.getValue().path("endpoint").asText();
      String host = endpoint.substring(0, endpoint.lastIndexOf(':'));
      int port = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
      assertThat(services.has(host)).as(e.getKey() + " -> " + endpoint).isTrue();
      assertThat(containerPorts(services.path(host)))
          .as(e.getKey() + " -> " + endpoint)
          .contains(port);
      assertThat(e.getValue().path("tls").path("insecure").asBoolean())
          .as(e.getKey() + ": plain gRPC inside the Compose network")
          .isTrue();
    }
    assertThat(collectorConfig().path("exporters").path("otlp/jaeger").path("endpoint").asText())
        .isEqualTo("jaeger:4317");
    JsonNode correlator = collectorConfig().path("exporters").path("otlphttp/correlator");
    assertThat(correlator.path("endpoint").asText()).isEqualTo("http://correlator:4318");
    assertThat(correlator.path("auth").path("authenticator").asText())
        .isEqualTo("bearertokenauth/correlator");
    assertThat(strings(collectorConfig().path("service").path("extensions")))
        .contains("bearertokenauth/correlator");
    assertThat(containerPorts(service("correlator"))).contains(4318);
  }
}
