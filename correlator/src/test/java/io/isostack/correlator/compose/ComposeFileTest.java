package io.isostack.correlator.compose;

import static io.isostack.correlator.compose.ComposeProject.argv;
import static io.isostack.correlator.compose.ComposeProject.compose;
import static io.isostack.correlator.compose.ComposeProject.containerPorts;
import static io.isostack.correlator.compose.ComposeProject.file;
import static io.isostack.correlator.compose.ComposeProject.interpolate;
import static io.isostack.correlator.compose.ComposeProject.option;
import static io.isostack.correlator.compose.ComposeProject.service;
import static io.isostack.correlator.compose.ComposeProject.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.yml} read structurally, without Docker: the demo's services, their ports,
 * wiring and mounts, and the build contexts and Dockerfiles they name.
 */
class ComposeFileTest {
  private static final List<String> SERVICES =
      List.of(
          "otel-collector", "jaeger", "correlator", "ebpf-producer", "frontend", "backend", "load");

  @Test
  void declaresTheDemoServices() {
    assertThat(ComposeProject.names(compose().path("services"))).containsAll(SERVICES);
  }

  @Test
  void pinsTheTagOfEveryImageItPulls() {
    for (Map.Entry<String, JsonNode> s : compose().path("services").properties()) {
      if (s.getValue().has("build")) {
        continue;
      }
      String image = s.getValue().path("image").asText();
      assertThat(image).as(s.getKey()).matches("[^:@]+(:[^:]+|@sha256:[0-9a-f]{64})");
      assertThat(image).as(s.getKey()).doesNotEndWith(":latest");
    }
  }

  @Test
  void publishesTheDocumentedPorts() throws IOException {
    assertThat(strings(service("correlator").path("ports"))).containsExactly("127.0.0.1:8318:4318");
    assertThat(strings(service("jaeger").path("ports"))).containsExactly("127.0.0.1:16686:16686");
    assertThat(strings(service("otel-collector").path("ports")))
        .containsExactlyInAnyOrder("127.0.0.1:4317:4317", "127.0.0.1:4318:4318");
    assertThat(strings(service("frontend").path("ports"))).containsExactly("127.0.0.1:8080:8080");
    String readme = Files.readString(file("README.md"));
    assertThat(readme)
        .contains("## Try it with Docker")
        .contains("http://localhost:16686")
        .contains("http://localhost:8318/api/findings")
        .contains("docker compose up --build");
  }

  @Test
  void runsTheCorrelatorOnAllInterfacesWithTheApi() {
    List<String> argv = argv(service("correlator"));
    assertThat(argv).startsWith("serve").contains("--api");
    assertThat(option(argv, "--bind")).isEqualTo("0.0.0.0");
    assertThat(option(argv, "--host")).isNotBlank();
    assertThat(containerPorts(service("correlator"))).contains(4317, 4318);
  }

  @Test
  void publishesEveryPortOnLoopbackOnly() {
    for (Map.Entry<String, JsonNode> s : compose().path("services").properties()) {
      for (String p : strings(s.getValue().path("ports"))) {
        assertThat(p).as(s.getKey()).startsWith("127.0.0.1:");
      }
    }
  }

  @Test
  void theCorrelatorNeedsATokenThatItsClientsCarry() {
    List<String> argv = argv(service("correlator"));
    String token = option(argv, "--token-file");
    assertThat(token).isEqualTo("/run/isostack/token");
    assertThat(argv).contains("--insecure-token");
    assertThat(option(argv, "--allowed-host")).isEqualTo("correlator");
    for (String s : List.of("correlator", "otel-collector", "ebpf-producer")) {
      assertThat(strings(service(s).path("volumes")))
          .as(s)
          .contains("isostack-token:/run/isostack:ro");
    }
    assertThat(strings(service("correlator-token").path("volumes")))
        .contains("isostack-token:/run/isostack");
    assertThat(service("ebpf-producer").path("environment").path("CORRELATOR_TOKEN_FILE").asText())
        .isEqualTo(token);
    assertThat(
            ComposeProject.collectorConfig()
                .path("extensions")
                .path("bearertokenauth/correlator")
                .path("filename")
                .asText())
        .isEqualTo(token);
  }

  @Test
  void givesSpansAndKernelEventsOneHostName() {
    String host = option(argv(service("correlator")), "--host");
    assertThat(option(argv(service("frontend")), "--host")).isEqualTo(host);
    assertThat(option(argv(service("backend")), "--host")).isEqualTo(host);
    assertThat(
            interpolate(
                service("ebpf-producer").path("environment").path("ISOSTACK_HOST").asText()))
        .isEqualTo(host);
  }

  @Test
  void runsTheEbpfProducerPrivilegedInTheHostPidNamespace() {
    JsonNode producer = service("ebpf-producer");
    assertThat(producer.path("privileged").asBoolean()).isTrue();
    assertThat(producer.path("pid").asText()).isEqualTo("host");
    assertThat(producer.path("cgroup").asText()).isEqualTo("host");
    assertThat(strings(producer.path("volumes")))
        .contains(
            "/sys/kernel/tracing:/sys/kernel/tracing:ro",
            "/sys/kernel/debug:/sys/kernel/debug:ro",
            "/sys/fs/cgroup:/sys/fs/cgroup:ro",
            "/lib/modules:/lib/modules:ro");
    URI target = URI.create(producer.path("environment").path("CORRELATOR_URL").asText());
    assertThat(target.getPath()).isEqualTo("/v1/kernel-events");
    assertThat(target.getHost()).isEqualTo("correlator");
    assertThat(containerPorts(service("correlator"))).contains(target.getPort());
  }

  @Test
  void wiresTheSampleServicesThroughTheCollector() {
    for (String s : List.of("frontend", "backend")) {
      List<String> argv = argv(service(s));
      assertThat(argv).as(s).contains(s);
      assertThat(option(argv, "--bind")).as(s).isEqualTo("0.0.0.0");
      assertListens(URI.create(option(argv, "--otlp-endpoint")), "otel-collector");
      assertThat(service(s).path("pid").asText())
          .as(s + ": pids as the kernel knows them")
          .isEqualTo("host");
    }
    assertThat(option(argv(service("backend")), "--port")).isEqualTo("8081");
    assertListens(URI.create(option(argv(service("frontend")), "--backend")), "backend");
    List<String> load = argv(service("load"));
    assertThat(load).startsWith("load");
    assertListens(URI.create(option(load, "--url")), "frontend");
  }

  @Test
  void dependsOnlyOnDefinedServices() {
    JsonNode services = compose().path("services");
    for (Map.Entry<String, JsonNode> s : services.properties()) {
      JsonNode deps = s.getValue().path("depends_on");
      List<String> names = deps.isArray() ? strings(deps) : ComposeProject.names(deps);
      for (String d : names) {
        assertThat(services.has(d)).as(s.getKey() + " depends on " + d).isTrue();
      }
    }
  }

  @Test
  void mountsOnlyFilesOfTheRepositoryOrHostPathsReadOnly() {
    JsonNode compose = compose();
    for (Map.Entry<String, JsonNode> s : compose.path("services").properties()) {
      for (String v : strings(s.getValue().path("volumes"))) {
        String source = v.substring(0, v.indexOf(':'));
        if (source.startsWith("./") || source.startsWith("../")) {
          assertThat(file(source)).as(s.getKey() + ": " + v).exists();
        } else if (source.startsWith("/")) {
          assertThat(s.getKey()).as("host path " + v).isEqualTo("ebpf-producer");
          assertThat(v).as(s.getKey()).endsWith(":ro");
        } else {
          assertThat(compose.path("volumes").has(source)).as(s.getKey() + ": " + v).isTrue();
        }
      }
    }
  }

  @Test
  void buildsFromDockerfilesOfTheRepository() throws IOException {
    for (Map.Entry<String, JsonNode> s : compose().path("services").properties()) {
      JsonNode build = s.getValue().path("build");
      if (build.isMissingNode()) {
        continue;
      }
      Path context = file(build.isTextual() ? build.asText() : build.path("context").asText());
      assertThat(context).as(s.getKey()).isDirectory();
      Path dockerfile = context.resolve(build.path("dockerfile").asText("Dockerfile"));
      assertThat(dockerfile).as(s.getKey()).isRegularFile();
      if (build.has("target")) {
        String target = build.path("target").asText();
        assertThat(Files.readString(dockerfile))
            .as(s.getKey() + ": stage " + target)
            .containsPattern("(?im)^FROM\\s+\\S+\\s+AS\\s+" + Pattern.quote(target) + "\\s*$");
      }
    }
  }

  private static void assertListens(URI uri, String serviceName) {
    assertThat(uri.getHost()).as(uri.toString()).isEqualTo(serviceName);
    assertThat(containerPorts(service(serviceName))).as(uri.toString()).contains(uri.getPort());
  }
}
