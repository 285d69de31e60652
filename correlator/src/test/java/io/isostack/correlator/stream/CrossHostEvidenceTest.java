package io.isostack.correlator.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.InputSpec;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.receiver.InputLoader;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.testing.OtlpJsonRequests;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow client span whose time was lost on the peer's node: frontend on {@code fe-node} calls
 * backend on {@code be-node}, whose cgroup is throttled before its server span starts ({@code
 * src/test/resources/stream/cross-host}). {@code serve} joins the peer's events from its one index
 * of every host; {@code stream} keeps each host's events on that host's partition, so the hop
 * visits {@code be-node}'s partition first and takes the events and facts that join it there, in
 * the topology alone and through a real broker.
 */
class CrossHostEvidenceTest {
  private static final Path CASE = Path.of("src/test/resources/stream/cross-host");

  @TempDir Path state;

  @Test
  void aClientSpanJoinsThePeerHostsThrottledCgroupAsServeDoes() throws Exception {
    List<LiveFinding> serve = serve(CASE, "fe-node");
    assertThat(serve)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.finding().cause()).isEqualTo("cpu-throttle");
              assertThat(f.finding().evidence())
                  .extracting(Evidence::join)
                  .containsOnly("peer cgroup");
            });
    StreamStats stats = new StreamStats();
    List<LiveFinding> stream = SampleCasesTopologyTest.replay(CASE, "fe-node", state, stats);
    assertThat(SampleCasesTopologyTest.keys(stream)).isEqualTo(SampleCasesTopologyTest.keys(serve));
    assertThat(stream).hasSize(1);
    assertThat(stats.hopsVisited()).isEqualTo(1);
    assertThat(stream.get(0).finding().detail()).isEqualTo(serve.get(0).finding().detail());
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void throughARealBrokerTheHopGoesOnByThePeerHopsTopicTheApplicationCreated() throws Exception {
    try (KraftBroker broker = KraftBroker.start()) {
      broker.createTopics(Map.of("otlp_spans", 2, "otlp_logs", 2, "isostack_findings", 1));
      StreamSettings settings =
          RealBrokerReplayTest.settings("cross-host", state, broker.bootstrapServers());
      try (CorrelatorStream stream = new CorrelatorStream(settings, RuleTable.defaults(), f -> {});
          KafkaConsumer<String, byte[]> findings =
              broker.committedReader(settings.findingsTopic(), "cross-host-check")) {
        stream.start();
        assertThat(stream.awaitRunning(Duration.ofSeconds(60))).isTrue();
        broker.send(
            "otlp_logs",
            List.of(Map.entry("any", Files.readAllBytes(CASE.resolve("events.jsonl")))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (stream.stats().eventsStored() < 5 && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        ExportTraceServiceRequest trace =
            OtlpJsonRequests.traces(Files.readString(CASE.resolve("traces.jsonl")).trim());
        broker.send(
            "otlp_spans",
            List.of(Map.entry("0af7651916cd43dd8448eb211c80319c", trace.toByteArray())));
        List<ConsumerRecord<String, byte[]>> out =
            KraftBroker.poll(findings, 1, System.nanoTime() + TimeUnit.SECONDS.toNanos(90));
        assertThat(out).hasSize(1);
        assertThat(CollectorRecording.findingKeys(out.get(0).value()))
            .containsExactly("0af7651916cd43dd8448eb211c80319c 00000000000000a2 L-3 cpu-throttle");
        assertThat(stream.stats().hopsVisited()).isEqualTo(1);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
          assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
              .contains(settings.peerHopsTopic());
        }
      }
    }
  }

  /** The case through {@code serve}'s engine: events, then spans, then close (evaluates all). */
  static List<LiveFinding> serve(Path dir, String host) throws IOException {
    InputSummary summary = new InputSummary();
    InputLoader loader = new InputLoader(new ClockConverter(), summary, line -> {});
    List<SpanView> spans = new ArrayList<>();
    loader.readTraces(InputSpec.parse(dir.resolve("traces.jsonl").toString()), spans::add);
    List<KernelEvent> events = new ArrayList<>();
    loader.readEvents(InputSpec.parse(dir.resolve("events.jsonl").toString()), host, events::add);
    List<LiveFinding> published = new CopyOnWriteArrayList<>();
    LiveSettings live = LiveSettings.defaults(AnalyzerSettings.defaults().withDefaultHost(host));
    LiveAnalyzer engine =
        new LiveAnalyzer(RuleTable.defaults(), live, System::nanoTime, published::add);
    engine.start();
    try {
      engine.offerEvents(events);
      engine.offerSpans(spans);
    } finally {
      engine.close();
    }
    return published;
  }
}
