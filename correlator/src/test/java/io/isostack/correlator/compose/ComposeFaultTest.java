package io.isostack.correlator.compose;

import static io.isostack.correlator.compose.ComposeProject.argv;
import static io.isostack.correlator.compose.ComposeProject.compose;
import static io.isostack.correlator.compose.ComposeProject.faultFile;
import static io.isostack.correlator.compose.ComposeProject.file;
import static io.isostack.correlator.compose.ComposeProject.option;
import static io.isostack.correlator.compose.ComposeProject.service;
import static io.isostack.correlator.compose.ComposeProject.strings;
import static io.isostack.correlator.compose.ComposeProject.withOverride;
import static io.isostack.correlator.compose.ComposeProject.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fault switch: one Compose override file per fault under {@code samples/compose/}, each read
 * together with {@code docker-compose.yml} the way {@code docker compose -f docker-compose.yml -f
 * samples/compose/fault-X.yml} merges them.
 */
class ComposeFaultTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cpu-throttle", "seccomp", "disk"})
  void overridesOnlyTheBackendOrAddsPinnedServices(String fault) throws IOException {
    Path path = faultFile(fault);
    assertThat(path).exists();
    JsonNode services = yaml(path).path("services");
    assertThat(services.has("backend")).as(fault).isTrue();
    for (Map.Entry<String, JsonNode> s : services.properties()) {
      if (compose().path("services").has(s.getKey())) {
        assertThat(s.getKey()).as(fault + " changes only the backend").isEqualTo("backend");
      } else {
        assertThat(s.getValue().path("image").asText()).as(s.getKey()).matches("[^:]+:[^:]+");
      }
    }
    assertThat(Files.readString(file("README.md")))
        .as("the README says how to switch to " + fault)
        .contains("samples/compose/fault-" + fault + ".yml");
  }

  @Test
  void backendTakesItsFaultArgumentsFromTheEnvironment() {
    JsonNode backend = service("backend");
    assertThat(String.join(" ", strings(backend.path("entrypoint"))))
        .contains("$BACKEND_EXTRA_ARGS");
    assertThat(backend.path("environment").has("BACKEND_EXTRA_ARGS")).isTrue();
    assertThat(option(argv(backend), "--audit-dir")).isNull();
    assertThat(option(argv(backend), "--sync-write-bytes")).isNull();
  }

  @Test
  void cpuThrottleGivesTheBackendACfsQuota() {
    JsonNode backend = backendWith("cpu-throttle");
    assertThat(backend.path("cpus").asText()).isEqualTo("0.1");
    assertThat(service("backend").has("cpus")).as("no quota without the fault").isFalse();
  }

  @Test
  void seccompDeniesMkdirWithEpermAndTheBackendMakesAuditDirectories() throws IOException {
    JsonNode backend = backendWith("seccomp");
    List<String> opts = strings(backend.path("security_opt"));
    assertThat(opts).hasSize(1);
    assertThat(opts.get(0)).startsWith("seccomp=");
    Path profile = file(opts.get(0).substring("seccomp=".length()));
    assertThat(profile).isRegularFile();

    JsonNode json = ComposeProject.json(profile);
    assertThat(json.path("defaultAction").asText()).isEqualTo("SCMP_ACT_ALLOW");
    List<String> denied = new ArrayList<>();
    for (JsonNode rule : json.path("syscalls")) {
      if (rule.path("action").asText().equals("SCMP_ACT_ERRNO")) {
        assertThat(rule.path("errnoRet").asInt()).as("EPERM").isEqualTo(1);
        denied.addAll(strings(rule.path("names")));
      }
    }
    assertThat(denied).containsExactlyInAnyOrder("mkdir", "mkdirat");

    String auditDir = option(argv(backend), "--audit-dir");
    assertThat(auditDir).isNotNull();
    assertThat(Files.readString(file("Dockerfile")))
        .as("the image makes the audit directory, at build time")
        .contains(auditDir);
  }

  @Test
  void diskStormWritesToTheVolumeTheBackendJournalsTo() {
    JsonNode fault = yaml(faultFile("disk"));
    JsonNode backend = backendWith("disk");
    List<String> argv = argv(backend);
    assertThat(Integer.parseInt(option(argv, "--sync-write-bytes"))).isPositive();
    String writeDir = option(argv, "--write-dir");
    String journal = volumeAt(backend, writeDir);
    assertThat(journal).as("a named volume at --write-dir").isNotNull();
    assertThat(fault.path("volumes").has(journal)).isTrue();

    JsonNode storm = fault.path("services").path("disk-storm");
    assertThat(strings(storm.path("volumes"))).anyMatch(v -> v.startsWith(journal + ":"));
    assertThat(String.join(" ", strings(storm.path("command"))))
        .contains("oflag=direct")
        .contains("oflag=dsync");
  }

  private static JsonNode backendWith(String fault) {
    return withOverride(
        service("backend"), yaml(faultFile(fault)).path("services").path("backend"));
  }

  private static String volumeAt(JsonNode service, String target) {
    for (String v : strings(service.path("volumes"))) {
      String[] parts = v.split(":");
      if (parts.length >= 2 && parts[1].equals(target) && !parts[0].contains("/")) {
        return parts[0];
      }
    }
    return null;
  }
}
