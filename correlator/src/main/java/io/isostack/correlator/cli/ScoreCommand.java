package io.isostack.correlator.cli;

import io.isostack.correlator.score.CaseScore;
import io.isostack.correlator.score.CorpusScorer;
import io.isostack.correlator.score.ScoreTable;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code correlator score}: analyses every recorded case of the corpus with the default options and
 * prints per case its precision, recall and, on a healthy case, the kernel layers it blamed.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Scores the correlator on the real recordings: analyses every",
      "samples/data/real-* case (or the directories given) with the default",
      "options and prints per case the slow traces, the findings, the",
      "kernel-layer findings of spans starting in the fault window, precision",
      "(those naming the expected layer and cause), recall (slow traces that",
      "get one), what was blamed elsewhere, the induced host load's findings",
      "and the fault's findings outside its window (shown, not scored).",
      "Exit status 0 when every fault case has precision",
      ">= 0.9 and recall >= 0.8 and no healthy case blames a kernel layer, else 3."
    })
final class ScoreCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      paramLabel = "DIR",
      arity = "0..*",
      description =
          "Case directories, or a data directory holding real-* cases"
              + " (default: samples/data).")
  List<Path> dirs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<Path> cases = new ArrayList<>();
    for (Path d : dirs.isEmpty() ? List.of(Path.of("samples", "data")) : dirs) {
      if (Files.exists(d.resolve("expected.json"))) {
        cases.add(d);
      } else {
        cases.addAll(CorpusScorer.cases(d));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    List<CaseScore> scores = new ArrayList<>();
    for (Path c : cases) {
      scores.add(CorpusScorer.score(c));
    }
    out.print(ScoreTable.render(scores));
    out.flush();
    boolean pass =
        scores.stream()
            .allMatch(
                s ->
                    s.healthy()
                        ? s.kernelFindings() == 0
                        : s.precision() >= 0.9 && s.recall() >= 0.8);
    return pass ? 0 : 3;
  }
}
