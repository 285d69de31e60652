package io.isostack.correlator.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.rules.RuleTable;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology alone, driven by {@link TopologyTestDriver} with the shipped real recording. */
class CorrelatorTopologyTest {
  private static final Instant START = Instant.parse("2026-12-01T12:00:00Z");

  @TempDir Path state;
  private final StreamStats stats = new StreamStats();
  private final List<LiveFinding> published = new CopyOnWriteArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> spans;
  private TestInputTopic<String, byte[]> events;
  private TestOutputTopic<String, byte[]> findings;

  @BeforeEach
  void start() {
    StreamSettings settings =
        StreamSettings.defaults("127.0.0.1:9", CollectorRecording.live(300_000_000L), state)
            .withPersistentStores(false);
    driver =
        new TopologyTestDriver(
            CorrelatorTopology.build(settings, RuleTable.defaults(), stats, published::add),
            settings.properties(),
            START);
    spans =
        driver.createInputTopic(
            settings.spansTopic(), new StringSerializer(), new ByteArraySerializer());
    events =
        driver.createInputTopic(
            settings.eventTopics().get(0), new StringSerializer(), new ByteArraySerializer());
    findings =
        driver.createOutputTopic(
            settings.findingsTopic(), new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void replay() throws IOException {
    for (byte[] m : CollectorRecording.eventMessages(100)) {
      events.pipeInput(CollectorRecording.HOST, m, START);
    }
    for (KeyValue<String, byte[]> t : CollectorRecording.traceMessages()) {
      spans.pipeInput(t.key, t.value, START);
    }
  }

  private void tick(Duration total) {
    for (long ms = 0; ms < total.toMillis(); ms += 100) {
      driver.advanceWallClockTime(Duration.ofMillis(100));
    }
  }

  @Test
  void findsWhatAnalyzeFindsInTheRealRecording() throws IOException {
    replay();
    tick(Duration.ofSeconds(2));
    List<TestRecord<String, byte[]>> out = findings.readRecordsToList();
    TreeSet<String> got = new TreeSet<>();
    for (TestRecord<String, byte[]> r : out) {
      got.addAll(CollectorRecording.findingKeys(r.value()));
    }
    assertThat(out).hasSize(got.size());
    assertThat(got).isEqualTo(CollectorRecording.analyzeFindings());
    assertThat(stats.rejectedByReason()).isEmpty();
  }

  @Test
  void findingsAreKeyedByTraceIdAndReachTheListener() throws IOException {
    replay();
    tick(Duration.ofSeconds(2));
    List<TestRecord<String, byte[]>> out = findings.readRecordsToList();
    assertThat(out).isNotEmpty();
    for (TestRecord<String, byte[]> r : out) {
      assertThat(CollectorRecording.findingKeys(r.value()).get(0)).startsWith(r.key() + ' ');
    }
    assertThat(published).hasSameSizeAs(out);
    assertThat(stats.findingsByLayer()).containsKey("L-3");
  }

  @Test
  void aTraceIsNotEvaluatedBeforeItsIdleTimeHasPassedInSpanTimeOrWallTime() throws IOException {
    // One trace with its root alone: no later span shows its idle time has passed, so the wall
    // clock does.
    KeyValue<String, byte[]> last = null;
    for (KeyValue<String, byte[]> t : CollectorRecording.traceMessages()) {
      for (var rs : ExportTraceServiceRequest.parseFrom(t.value).getResourceSpansList()) {
        for (var ss : rs.getScopeSpansList()) {
          if (ss.getSpansList().stream().anyMatch(x -> x.getParentSpanId().isEmpty())) {
            last = t;
          }
        }
      }
    }
    spans.pipeInput(last.key, last.value, START);
    driver.advanceWallClockTime(Duration.ofMillis(200));
    assertThat(stats.traces()).isZero();
    tick(Duration.ofMillis(400));
    assertThat(stats.traces()).isEqualTo(1);
  }

  @Test
  void aSlowHopWaitsForItsHostsLateEvents() throws IOException {
    // Spans only: the hops are parked; the host's events come late, within the grace period.
    for (KeyValue<String, byte[]> t : CollectorRecording.traceMessages()) {
      spans.pipeInput(t.key, t.value, START);
    }
    driver.advanceWallClockTime(Duration.ofMillis(600));
    assertThat(stats.hops()).isPositive();
    assertThat(findings.isEmpty()).isTrue();
    for (byte[] m : CollectorRecording.eventMessages(100)) {
      events.pipeInput(CollectorRecording.HOST, m, START);
    }
    tick(Duration.ofSeconds(1));
    TreeSet<String> got = new TreeSet<>();
    for (TestRecord<String, byte[]> r : findings.readRecordsToList()) {
      got.addAll(CollectorRecording.findingKeys(r.value()));
    }
    assertThat(got).isEqualTo(CollectorRecording.analyzeFindings());
  }

  @Test
  void undecodableMessagesAreCountedNotFatal() throws IOException {
    spans.pipeInput("x", new byte[] {0x0A, 0x7F, 0x01}, START);
    events.pipeInput(CollectorRecording.HOST, "{not json\n".getBytes(), START);
    replay();
    tick(Duration.ofSeconds(2));
    Map<String, Long> rejected = stats.rejectedByReason();
    assertThat(rejected).containsKeys("invalid-protobuf", "invalid-json");
    List<String> keys = new ArrayList<>();
    for (TestRecord<String, byte[]> r : findings.readRecordsToList()) {
      keys.addAll(CollectorRecording.findingKeys(r.value()));
    }
    assertThat(new TreeSet<>(keys)).isEqualTo(CollectorRecording.analyzeFindings());
  }
}
