package io.isostack.correlator.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of real recordings ({@code samples/data/real-*}, issue 9): every fault case scores at
 * least precision 0.9 and recall 0.8 with the default options, and no healthy case blames a kernel
 * layer. Reads the committed files; needs no root.
 */
class CorpusScoreTest {
  private static final Path DATA = Path.of("..", "samples", "data");

  static Stream<Path> cases() throws IOException {
    return CorpusScorer.cases(DATA).stream();
  }

  @Test
  void theCorpusHasItsCases() throws IOException {
    assertThat(CorpusScorer.cases(DATA)).isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void meetsTheBar(Path caseDir) throws IOException {
    CaseScore s = CorpusScorer.score(caseDir);
    String row = ScoreTable.render(List.of(s));
    if (s.healthy()) {
      assertThat(s.kernelFindings()).as("kernel-layer blames on a healthy case:\n%s", row).isZero();
    } else {
      assertThat(s.slowTraces()).as("slow traces in the fault window:\n%s", row).isPositive();
      assertThat(s.precision()).as("precision:\n%s", row).isGreaterThanOrEqualTo(0.9);
      assertThat(s.recall()).as("recall:\n%s", row).isGreaterThanOrEqualTo(0.8);
    }
  }
}
