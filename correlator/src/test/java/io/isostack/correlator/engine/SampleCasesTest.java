package io.isostack.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.testing.SampleCases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the engine, with the real readers, on every case under {@code samples/data/} that has an
 * {@code expected.json}, and checks the verdicts it states.
 */
class SampleCasesTest {
  private static final Path DATA = SampleCases.DATA;

  static Stream<Path> cases() throws IOException {
    try (Stream<Path> dirs = Files.list(DATA)) {
      return dirs
          .filter(d -> Files.exists(d.resolve("expected.json")))
          .filter(SampleCasesTest::statesSlowHops)
          .sorted()
          .toList()
          .stream();
    }
  }

  /** The corpus's real-* cases state ground truth, not slow hops: {@code CorpusScoreTest}. */
  private static boolean statesSlowHops(Path caseDir) {
    try {
      return new ObjectMapper().readTree(caseDir.resolve("expected.json").toFile()).has("slowHops");
    } catch (IOException e) {
      return true;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void verdictsMatchExpected(Path caseDir) throws IOException {
    JsonNode expected = new ObjectMapper().readTree(caseDir.resolve("expected.json").toFile());
    List<Finding> findings = analyze(caseDir);

    for (JsonNode hop : expected.get("slowHops")) {
      List<Finding> mine = of(findings, hop);
      assertThat(mine)
          .as("slow hops %s %s", hop.get("service"), hop.get("name"))
          .hasSize(hop.get("count").asInt());
      for (Finding f : mine) {
        assertThat(f.layer().code())
            .as("layer of %s", f.span().spanId())
            .isEqualTo(hop.get("layer").asText());
        assertThat(f.network()).isEqualTo(hop.path("network").asBoolean(false));
        if (hop.has("cause")) {
          assertThat(f.cause()).isEqualTo(hop.get("cause").asText());
        }
        for (JsonNode link : hop.path("chainIncludes")) {
          assertThat(f.chain())
              .as("chain of %s includes %s", f.span().spanId(), link)
              .anySatisfy(
                  c -> {
                    assertThat(c.layer().code()).isEqualTo(link.get("layer").asText());
                    if (link.has("network")) {
                      assertThat(c.network()).isEqualTo(link.get("network").asBoolean());
                    }
                  });
        }
      }
    }
    for (JsonNode spared : expected.path("notBlamed")) {
      assertThat(of(findings, spared))
          .as("%s %s is not blamed on a kernel layer", spared.get("service"), spared.get("name"))
          .allSatisfy(f -> assertThat(f.layer().code()).isEqualTo("application"));
    }
  }

  private static List<Finding> of(List<Finding> findings, JsonNode who) {
    return findings.stream()
        .filter(f -> f.span().service().equals(who.get("service").asText()))
        .filter(f -> f.span().name().equals(who.get("name").asText()))
        .toList();
  }

  /** The whole analysis as the CLI runs it: traces first, then every events file of the case. */
  static List<Finding> analyze(Path caseDir) throws IOException {
    return SampleCases.analyze(caseDir).findings();
  }
}
