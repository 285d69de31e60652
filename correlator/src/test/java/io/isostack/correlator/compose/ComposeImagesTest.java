package io.isostack.correlator.compose;

import static io.isostack.correlator.compose.ComposeProject.file;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfiles of the Compose demo: they build and copy the jars Maven really makes, and copy
 * only files that exist; the producer container runs only scripts that exist.
 */
class ComposeImagesTest {
  private static final Pattern COPY =
      Pattern.compile("(?m)^COPY\\s+(?!--from)((?:--\\S+\\s+)*)(.+?)\\s+(\\S+)\\s*$");
  private static final Pattern COPY_FROM_BUILD =
      Pattern.compile("(?m)^COPY\\s+--from=build\\s+/src/(\\S+)\\s+(\\S+)\\s*$");

  @Test
  void buildsWithMavenAndRunsOnAJre() throws IOException {
    String dockerfile = Files.readString(file("Dockerfile"));
    assertThat(dockerfile)
        .containsPattern("(?m)^FROM maven:3-eclipse-temurin-17 AS build$")
        .containsPattern("(?m)^FROM eclipse-temurin:17-jre AS correlator$")
        .containsPattern("(?m)^FROM eclipse-temurin:17-jre AS sample-app$")
        .contains("-pl correlator,samples -am package");
  }

  @Test
  void copiesTheJarsWhereMavenMakesThem() throws IOException {
    List<String> copied = new ArrayList<>();
    Matcher m = COPY_FROM_BUILD.matcher(Files.readString(file("Dockerfile")));
    while (m.find()) {
      copied.add(m.group(1));
    }
    assertThat(copied)
        .containsExactlyInAnyOrder(
            "correlator/target/correlator.jar", "samples/target/sample-app.jar");
    // The shade plugin's outputs, as the module poms name them.
    assertThat(Files.readString(file("correlator/pom.xml")))
        .contains("<outputFile>${project.build.directory}/correlator.jar</outputFile>");
    assertThat(Files.readString(file("samples/pom.xml")))
        .contains("<finalName>sample-app</finalName>");
    assertThat(Files.readString(file("Dockerfile")))
        .contains("\"-jar\", \"/opt/isostack/correlator.jar\"")
        .contains("\"-jar\", \"/opt/isostack/sample-app.jar\"");
  }

  @Test
  void copiesOnlyFilesOfTheRepository() throws IOException {
    for (String dockerfile : List.of("Dockerfile", "samples/compose/Dockerfile.ebpf-producer")) {
      Matcher m = COPY.matcher(Files.readString(file(dockerfile)));
      while (m.find()) {
        for (String source : m.group(2).trim().split("\\s+")) {
          if (!source.equals(".")) {
            assertThat(file(source)).as(dockerfile + ": COPY " + source).exists();
          }
        }
      }
    }
    assertThat(Files.readString(file(".dockerignore"))).doesNotContain("samples/ebpf");
  }

  @Test
  void producerFindsTheBackendByTheCommandLineComposeGivesIt() throws IOException {
    String entrypoint = Files.readString(file("samples/compose/producer-entrypoint.sh"));
    Matcher m =
        Pattern.compile("BACKEND_MATCH=\"\\$\\{BACKEND_MATCH:-([^}]+)}\"").matcher(entrypoint);
    assertThat(m.find()).as("BACKEND_MATCH default").isTrue();
    assertThat(String.join(" ", ComposeProject.argv(ComposeProject.service("backend"))))
        .contains(m.group(1));
    assertThat(String.join(" ", ComposeProject.argv(ComposeProject.service("frontend"))))
        .doesNotContain(m.group(1));
  }

  @Test
  void producerRunsTheShippedScripts() throws IOException {
    String entrypoint = Files.readString(file("samples/compose/producer-entrypoint.sh"));
    Matcher m = Pattern.compile("\\$EBPF/([\\w.-]+)").matcher(entrypoint);
    List<String> scripts = new ArrayList<>();
    while (m.find()) {
      scripts.add(m.group(1));
    }
    assertThat(scripts)
        .contains("sched.bt", "syscalls.bt", "block.bt", "tcp.bt", "oom.bt", "cgroup-sampler.sh");
    for (String s : scripts) {
      assertThat(file("samples/ebpf/" + s)).as(s).isRegularFile();
    }
    for (String s : List.of("producer-entrypoint.sh", "ship-events.py")) {
      Path p = file("samples/compose/" + s);
      assertThat(Files.isExecutable(p)).as(s + " is executable").isTrue();
    }
    assertThat(Files.readString(file("samples/compose/Dockerfile.ebpf-producer")))
        .contains("FROM debian:bookworm")
        .contains("bpftrace")
        .contains("ENTRYPOINT [\"/opt/isostack/producer-entrypoint.sh\"]");
  }
}
