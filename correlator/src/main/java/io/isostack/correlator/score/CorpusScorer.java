package io.isostack.correlator.score;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.InputSpec;
import io.isostack.codec.LibbpfToolsReader;
import io.isostack.correlator.engine.Analyzer;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.receiver.InputLoader;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.IsolationLayer;
import io.isostack.model.SpanView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Analyses a recorded case as {@code correlator analyze} does with its default options (traces
 * first, then every {@code events*} file of the directory, in name order) and scores the findings
 * against the case's {@link CaseTruth}. Stateless.
 */
public final class CorpusScorer {
  private CorpusScorer() {}

  /**
   * The case directories {@code real-*} under a data directory with a {@code recording.json} and an
   * {@code expected.json} stating ground truth (a {@code faultWindow}).
   */
  public static List<Path> cases(Path data) throws IOException {
    try (Stream<Path> dirs = Files.list(data)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("real-"))
          .filter(d -> Files.exists(d.resolve("expected.json")))
          .filter(d -> Files.exists(d.resolve("recording.json")))
          .filter(CorpusScorer::statesTruth)
          .sorted()
          .toList();
    }
  }

  private static boolean statesTruth(Path caseDir) {
    try {
      return Files.readString(caseDir.resolve("expected.json")).contains("\"faultWindow\"");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Scores one case.
   *
   * @throws IOException if a file cannot be read
   */
  public static CaseScore score(Path caseDir) throws IOException {
    CaseTruth truth = CaseTruth.read(caseDir);
    InputSummary summary = new InputSummary();
    ClockConverter clocks = new ClockConverter();
    LibbpfToolsReader.Options libbpf =
        LibbpfToolsReader.Options.defaults(Clock.systemUTC())
            .at(
                truth.analyzeDate() != null
                    ? LocalDate.parse(truth.analyzeDate())
                    : LocalDate.now(ZoneOffset.UTC),
                ZoneOffset.UTC);
    InputLoader loader = new InputLoader(clocks, libbpf, summary, line -> {});
    List<SpanView> spans = new ArrayList<>();
    Analyzer analyzer = analyze(caseDir, loader, spans);
    return score(truth, spans, analyzer.findings(), summary.rejectedTotal());
  }

  /**
   * Analyses a case directory as {@code correlator analyze} does with its default options: {@code
   * traces.jsonl} first, the default host taken from the first span that names one ({@code unknown}
   * if none does), then every {@code events*} file of the directory, in name order.
   *
   * @param caseDir the case's directory
   * @param loader reads the files; its summary receives the counts and rejections
   * @param spans receives every span read, in the order read
   * @return the analyzer, fed every span and event
   * @throws IOException if a file cannot be read
   */
  public static Analyzer analyze(Path caseDir, InputLoader loader, List<SpanView> spans)
      throws IOException {
    loader.readTraces(InputSpec.parse(caseDir.resolve("traces.jsonl").toString()), spans::add);
    String host =
        spans.stream().map(SpanView::host).filter(h -> h != null).findFirst().orElse("unknown");
    Analyzer analyzer =
        new Analyzer(RuleTable.defaults(), AnalyzerSettings.defaults().withDefaultHost(host));
    spans.forEach(analyzer::addSpan);
    analyzer.finishSpans();
    try (Stream<Path> files = Files.list(caseDir)) {
      for (Path events :
          files.filter(p -> p.getFileName().toString().startsWith("events")).sorted().toList()) {
        loader.readEvents(InputSpec.parse(events.toString()), host, analyzer::addEvent);
      }
    }
    return analyzer;
  }

  /** Scores findings against the truth; {@code spans} are every span read. */
  static CaseScore score(
      CaseTruth truth, List<SpanView> spans, List<Finding> findings, long rejected) {
    Set<String> slow = new HashSet<>();
    for (SpanView s : spans) {
      boolean root = s.parentSpanId() == null || s.parentSpanId().isEmpty();
      if (root
          && s.service().equals(truth.rootService())
          && s.name().equals(truth.rootName())
          && s.endEpochNanos() - s.startEpochNanos() >= truth.slowRootNanos()
          && s.startEpochNanos() >= truth.faultStartEpochNanos()
          && s.startEpochNanos() <= truth.faultEndEpochNanos()) {
        slow.add(s.traceId());
      }
    }
    int kernel = 0;
    int correct = 0;
    Set<String> recalled = new HashSet<>();
    Map<String, Integer> blamed = new TreeMap<>();
    int hostLoad = 0;
    Map<String, Integer> outside = new TreeMap<>();
    for (Finding f : findings) {
      if (f.layer() == IsolationLayer.APPLICATION || f.layer() == IsolationLayer.UNKNOWN) {
        continue;
      }
      long start = f.span().startEpochNanos();
      if (!truth.healthy()
          && (start < truth.faultStartEpochNanos() || start > truth.faultEndEpochNanos())) {
        // Before or after the fault the truth is "no fault": such a finding is right unless it
        // names the fault (that is a false alarm of the fault's own layer and cause).
        if (names(truth, f)) {
          outside.merge(key(f), 1, Integer::sum);
        }
        continue;
      }
      if (f.layer() == IsolationLayer.HOST
          && !f.network()
          && truth.hostLoadCauses().contains(f.cause())) {
        hostLoad++;
        continue;
      }
      kernel++;
      boolean right = !truth.healthy() && names(truth, f);
      if (right) {
        correct++;
        if (slow.contains(f.span().traceId())) {
          recalled.add(f.span().traceId());
        }
      } else {
        blamed.merge(key(f), 1, Integer::sum);
      }
    }
    return new CaseScore(
        truth.name(),
        truth.healthy(),
        spans.size(),
        slow.size(),
        findings.size(),
        kernel,
        correct,
        recalled.size(),
        new HashMap<>(blamed),
        rejected,
        hostLoad,
        new HashMap<>(outside));
  }

  private static boolean names(CaseTruth truth, Finding f) {
    return f.layer().code().equals(truth.layer())
        && f.network() == truth.network()
        && truth.causes().contains(f.cause());
  }

  private static String key(Finding f) {
    return f.layer().code() + (f.network() ? " network" : "") + " " + f.cause();
  }
}
