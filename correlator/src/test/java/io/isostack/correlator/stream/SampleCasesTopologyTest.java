package io.isostack.correlator.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.InputSpec;
import io.isostack.correlator.detect.RollingBaselines;
import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.detect.SlowSpanDetector;
import io.isostack.correlator.detect.Trace;
import io.isostack.correlator.detect.TraceAssembler;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.receiver.InputLoader;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.testing.OtlpJsonRequests;
import io.isostack.correlator.testing.SampleCases;
import io.isostack.model.SpanView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
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
    List<Finding> got = new ArrayList<>();
    published.forEach(f -> got.add(f.finding()));
    // The hops: the stream's horizontal step is the live one (threshold, and baselines rolled over
    // the traces evaluated before, in the order they ended), exactly.
    assertThat(hops(got)).isEqualTo(rollingHops(dir, AnalyzerSettings.defaults()));
    // The findings: analyze's, down to the evidence, on every hop both pick. They differ only on a
    // hop slow by baseline, a median over the whole input (analyze) or over the traces seen so far
    // (stream, serve): in real-veth-drops a backend span of 170 ms is 3x the 48 ms median of the
    // 18 earlier ones, not of the recording's 58 ms (docs/METHOD.md §4 step 1).
    TreeSet<String> both = hops(expected);
    both.retainAll(hops(got));
    assertThat(keys(got, both)).isEqualTo(keys(expected, both));
    assertThat(onlyIn(expected, both)).allMatch(f -> f.slowReason().equals("baseline"));
    assertThat(onlyIn(got, both)).allMatch(f -> f.slowReason().equals("baseline"));
    assertThat(published).hasSameSizeAs(hops(got));
  }

  @Test
  void picksTheSlowRequestsOfTheSlowRequestSetting() throws IOException {
    // 150 ms, under the 250 ms span threshold: the baseline phase's requests of 150 to 250 ms
    // (and, through the requests' rolling median, others) are slow requests too.
    Path dir = SampleCases.DATA.resolve("real-veth-drops");
    AnalyzerSettings a =
        AnalyzerSettings.defaults().withDefaultHost(defaultHost(dir)).withSlowRequest(150_000_000L);
    List<Finding> got = new ArrayList<>();
    replay(dir, a, state, new StreamStats()).forEach(f -> got.add(f.finding()));
    TreeSet<String> want = rollingHops(dir, a);
    assertThat(want).isNotEqualTo(rollingHops(dir, AnalyzerSettings.defaults()));
    assertThat(hops(got)).isEqualTo(want);
  }

  /**
   * The hops the live horizontal step picks in a case's traces, as {@code "trace span"}: each trace
   * against the rolling baselines of the traces that ended before it.
   */
  static TreeSet<String> rollingHops(Path dir, AnalyzerSettings a) throws IOException {
    TraceAssembler assembler = new TraceAssembler();
    new InputLoader(new ClockConverter(), new InputSummary(), line -> {})
        .readTraces(InputSpec.parse(dir.resolve("traces.jsonl").toString()), assembler::add);
    List<Trace> traces = new ArrayList<>(assembler.traces());
    traces.sort(Comparator.comparingLong(SampleCasesTopologyTest::end));
    SlowSpanDetector detector =
        new SlowSpanDetector(a.slowThresholdNanos(), a.baselineFloorNanos(), a.slowRequestNanos());
    RollingBaselines baselines = new RollingBaselines(10_000);
    TreeSet<String> out = new TreeSet<>();
    for (Trace t : traces) {
      for (SlowSpan hop : detector.detect(t, baselines)) {
        out.add(hop.span().traceId() + ' ' + hop.span().spanId());
      }
      baselines.record(t);
    }
    return out;
  }

  private static long end(Trace t) {
    long end = Long.MIN_VALUE;
    for (SpanView s : t.spans()) {
      end = Math.max(end, s.endEpochNanos());
    }
    return end;
  }

  private static TreeSet<String> hops(List<Finding> findings) {
    TreeSet<String> out = new TreeSet<>();
    findings.forEach(f -> out.add(f.span().traceId() + ' ' + f.span().spanId()));
    return out;
  }

  private static TreeSet<String> keys(List<Finding> findings, TreeSet<String> hops) {
    TreeSet<String> out = new TreeSet<>();
    for (Finding f : findings) {
      if (hops.contains(f.span().traceId() + ' ' + f.span().spanId())) {
        out.add(key(f));
      }
    }
    return out;
  }

  private static List<Finding> onlyIn(List<Finding> findings, TreeSet<String> both) {
    List<Finding> out = new ArrayList<>();
    for (Finding f : findings) {
      if (!both.contains(f.span().traceId() + ' ' + f.span().spanId())) {
        out.add(f);
      }
    }
    return out;
  }

  /** The case's events, then its traces, through the topology; then 2 s of ticks. */
  static List<LiveFinding> replay(Path dir, String host, Path state, StreamStats stats)
      throws IOException {
    return replay(dir, AnalyzerSettings.defaults().withDefaultHost(host), state, stats);
  }

  /** The same with other analysis settings. */
  static List<LiveFinding> replay(
      Path dir, AnalyzerSettings analysis, Path state, StreamStats stats) throws IOException {
    LiveSettings d = LiveSettings.defaults(analysis);
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
          for (var t : CollectorRecording.splitByTrace(OtlpJsonRequests.traces(line)).entrySet()) {
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
