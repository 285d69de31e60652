package io.isostack.correlator.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.testing.SampleCases;
import io.isostack.model.SpanView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shipped sample case through the topology ({@link TopologyTestDriver}): the same findings as
 * {@code analyze}, down to each finding's evidence.
 */
class SampleCasesTopologyTest {
  private static final Instant START = Instant.parse("2026-12-01T12:00:00Z");

  @TempDir Path state;

  static Stream<String> cases() throws IOException {
    try (Stream<Path> dirs = Files.list(SampleCases.DATA)) {
      return dirs
          .filter(d -> Files.exists(d.resolve("traces.jsonl")))
          .filter(SampleCasesTopologyTest::canonicalEventsOnly)
          .map(d -> d.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  /**
   * Whether every event file of a case is JSON lines (canonical, or bpftrace {@code -f json}), the
   * form the event topics carry; the corpus's plain-text and libbpf-tools recordings are read by
   * {@code analyze} with their formats, and reach the topics through a producer sidecar instead.
   */
  private static boolean canonicalEventsOnly(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith("events"))
          .allMatch(n -> n.endsWith(".jsonl"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void findsWhatAnalyzeFindsWithTheSameEvidence(String name) throws IOException {
    Path dir = SampleCases.DATA.resolve(name);
    List<Finding> expected = SampleCases.analyze(dir).findings();
    StreamStats stats = new StreamStats();
    List<LiveFinding> published = replay(dir, defaultHost(dir), state, stats);
    assertThat(stats.rejectedByReason()).isEmpty();
    TreeSet<String> want = new TreeSet<>();
    expected.forEach(f -> want.add(key(f)));
    assertThat(keys(published)).isEqualTo(want);
    assertThat(published).hasSameSizeAs(expected);
  }

  /** The case's events, then its traces, through the topology; then 2 s of ticks. */
  static List<LiveFinding> replay(Path dir, String host, Path state, StreamStats stats)
      throws IOException {
    LiveSettings d = LiveSettings.defaults(AnalyzerSettings.defaults().withDefaultHost(host));
    LiveSettings live =
        new LiveSettings(
            d.analysis(),
            d.traceIdleNanos(),
            d.traceTimeoutNanos(),
            300_000_000L,
            d.retentionNanos(),
            d.maxTraces(),
            d.queueCapacity(),
            d.findingsKept());
    StreamSettings settings =
        StreamSettings.defaults("127.0.0.1:9", live, state).withPersistentStores(false);
    List<LiveFinding> published = new CopyOnWriteArrayList<>();
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            CorrelatorTopology.build(settings, RuleTable.defaults(), stats, published::add),
            settings.properties(),
            START)) {
      TestInputTopic<String, byte[]> spans =
          driver.createInputTopic(
              settings.spansTopic(), new StringSerializer(), new ByteArraySerializer());
      TestInputTopic<String, byte[]> events =
          driver.createInputTopic(
              settings.eventTopics().get(0), new StringSerializer(), new ByteArraySerializer());
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f :
            files.filter(p -> p.getFileName().toString().startsWith("events")).sorted().toList()) {
          List<String> lines = Files.readAllLines(f);
          for (int i = 0; i < lines.size(); i += 100) {
            String chunk = String.join("\n", lines.subList(i, Math.min(lines.size(), i + 100)));
            events.pipeInput("any", chunk.getBytes(StandardCharsets.UTF_8), START);
          }
        }
      }
      for (String line : Files.readAllLines(dir.resolve("traces.jsonl"))) {
        if (!line.isBlank()) {
          for (var t : CollectorRecording.splitByTrace(CollectorRecording.parse(line)).entrySet()) {
            spans.pipeInput(t.getKey(), t.getValue().toByteArray(), START);
          }
        }
      }
      for (int i = 0; i < 20; i++) {
        driver.advanceWallClockTime(Duration.ofMillis(100));
      }
    }
    return published;
  }

  static TreeSet<String> keys(List<LiveFinding> findings) {
    TreeSet<String> out = new TreeSet<>();
    findings.forEach(f -> out.add(key(f.finding())));
    return out;
  }

  static String defaultHost(Path dir) throws IOException {
    for (String line : Files.readAllLines(dir.resolve("traces.jsonl"))) {
      int i = line.indexOf("\"host.name\"");
      if (i >= 0) {
        int v = line.indexOf("\"stringValue\":\"", i) + 15;
        return line.substring(v, line.indexOf('"', v));
      }
    }
    return "unknown";
  }

  static String key(Finding f) {
    SpanView s = f.span();
    List<String> evidence = new ArrayList<>();
    for (Evidence e : f.evidence()) {
      evidence.add(e.event().name() + "@" + e.event().host() + "/" + e.join());
    }
    evidence.sort(null);
    return s.traceId()
        + ' '
        + s.spanId()
        + ' '
        + f.layer().code()
        + ' '
        + f.cause()
        + ' '
        + evidence;
  }
}
