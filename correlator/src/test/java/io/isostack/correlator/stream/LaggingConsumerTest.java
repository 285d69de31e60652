package io.isostack.correlator.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.testing.OtlpJsonRequests;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance that reads its input late and slowly gives the findings of one that keeps up: trace
 * completion follows the records' timestamps (when the Collector sent them), and the grace period
 * the kernel events' own times. The cross-host case ({@code src/test/resources/stream/cross-host}),
 * its messages read far apart in wall time.
 */
class LaggingConsumerTest {
  private static final Instant START = Instant.parse("2026-12-01T12:00:00Z");
  private static final Path CASE = Path.of("src/test/resources/stream/cross-host");
  private static final long T = 1772445600000000000L;
  private static final long MS = 1_000_000L;

  @TempDir Path state;
  private final StreamStats stats = new StreamStats();
  private final List<LiveFinding> published = new CopyOnWriteArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> spans;
  private TestInputTopic<String, byte[]> events;

  @BeforeEach
  void start() {
    LiveSettings live =
        CollectorRecording.live(
            LiveSettings.defaults(AnalyzerSettings.defaults()).traceIdleNanos(), 300 * MS);
    StreamSettings settings =
        StreamSettings.defaults("127.0.0.1:9", live, state).withPersistentStores(false);
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
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void aTraceWhoseMessagesAreReadFarApartButWereSentTogetherIsCompletedWithAllItsSpans()
      throws IOException {
    ExportTraceServiceRequest trace = fixtureTrace();
    String id = trace.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId().toString();
    // The frontend's spans, other traces, then the backend's span, sent within 50 ms; the
    // consumer reads them over a second.
    spans.pipeInput(id, request(trace.getResourceSpans(0)).toByteArray(), START);
    for (int i = 0; i < 10; i++) {
      spans.pipeInput("f" + i, filler(i).toByteArray(), START.plusMillis(i + 1));
      tick(1);
    }
    spans.pipeInput(id, request(trace.getResourceSpans(1)).toByteArray(), START.plusMillis(50));
    events.pipeInput("any", Files.readAllBytes(CASE.resolve("events.jsonl")), START);
    tick(20);
    assertThat(stats.spansLate()).isZero();
    assertThat(published).singleElement().satisfies(LaggingConsumerTest::throttledPeer);
  }

  @Test
  void aSlowHopWaitsWhileItsHostsEventsStillArriveBehindIt() throws IOException {
    for (var t : CollectorRecording.splitByTrace(fixtureTrace()).entrySet()) {
      spans.pipeInput(t.getKey(), t.getValue().toByteArray(), START);
    }
    tick(7);
    assertThat(stats.hopsParked()).isPositive();
    // be-node's producer is behind: for 1.5 s its events are from before the span.
    for (int i = 0; i < 15; i++) {
      String line =
          "{\"event.name\":\"sched.runq_latency\",\"host.name\":\"be-node\",\"time_ns\":"
              + (T - 10_000 * MS + i * MS)
              + ",\"dur_ns\":20000,\"pid\":7,\"tid\":7,\"comm\":\"kworker\"}";
      events.pipeInput("be-node", line.getBytes(StandardCharsets.UTF_8), START);
      tick(1);
    }
    assertThat(published).isEmpty();
    events.pipeInput("any", Files.readAllBytes(CASE.resolve("events.jsonl")), START);
    tick(10);
    assertThat(published).singleElement().satisfies(LaggingConsumerTest::throttledPeer);
  }

  private static void throttledPeer(LiveFinding f) {
    assertThat(f.finding().span().spanId()).isEqualTo("00000000000000a2");
    assertThat(f.finding().cause()).isEqualTo("cpu-throttle");
    assertThat(f.finding().evidence()).extracting(Evidence::join).containsOnly("peer cgroup");
  }

  private void tick(int times) {
    for (int i = 0; i < times; i++) {
      driver.advanceWallClockTime(Duration.ofMillis(100));
    }
  }

  private static ExportTraceServiceRequest fixtureTrace() throws IOException {
    return OtlpJsonRequests.traces(Files.readString(CASE.resolve("traces.jsonl")).trim());
  }

  private static ExportTraceServiceRequest request(ResourceSpans rs) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(rs).build();
  }

  /** A fast root-only trace on fe-node. */
  private static ExportTraceServiceRequest filler(int i) {
    byte[] trace = ByteBuffer.allocate(16).putLong(0xf111L).putLong(i + 1).array();
    byte[] span = ByteBuffer.allocate(8).putLong(0xf000L + i).array();
    Span s =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(trace))
            .setSpanId(ByteString.copyFrom(span))
            .setName("GET /health")
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(T + i * MS)
            .setEndTimeUnixNano(T + i * MS + 5 * MS)
            .build();
    Resource r =
        Resource.newBuilder()
            .addAttributes(attr("service.name", "frontend"))
            .addAttributes(attr("host.name", "fe-node"))
            .build();
    return request(
        ResourceSpans.newBuilder()
            .setResource(r)
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(s))
            .build());
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}
