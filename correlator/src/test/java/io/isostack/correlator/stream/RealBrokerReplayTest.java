package io.isostack.correlator.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.rules.RuleTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shipped real recording replayed through a real Kafka broker (KRaft, in this JVM) in the
 * Collector's format: {@code correlator stream} finds what {@code analyze} finds in the same files,
 * each slow span exactly once.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RealBrokerReplayTest {
  private static KraftBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KraftBroker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  /**
   * Replays events, waits until the vertical step has stored them all, then the traces. The trace
   * idle time is 3 s: the replayer sends at full speed, so the record time between one trace's
   * messages is how long this shared two-core machine took to send them, and the input counts as
   * quiet only once no message came for the idle time.
   */
  static void replay(KraftBroker broker, StreamSettings settings, List<CorrelatorStream> streams)
      throws Exception {
    List<KeyValue<String, byte[]>> events = new ArrayList<>();
    for (byte[] m : CollectorRecording.eventMessages(100)) {
      events.add(KeyValue.pair(CollectorRecording.HOST, m));
    }
    broker.send(settings.eventTopics().get(0), asEntries(events));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    long seen = -1;
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000);
      long decoded = streams.stream().mapToLong(s -> s.stats().events()).sum();
      long now = streams.stream().mapToLong(s -> s.stats().eventsStored()).sum();
      if (now > 0 && now == seen && now == decoded) {
        break;
      }
      seen = now;
    }
    broker.send(settings.spansTopic(), asEntries(CollectorRecording.traceMessages()));
  }

  static List<Map.Entry<String, byte[]>> asEntries(List<KeyValue<String, byte[]>> kvs) {
    List<Map.Entry<String, byte[]>> out = new ArrayList<>();
    kvs.forEach(kv -> out.add(Map.entry(kv.key, kv.value)));
    return out;
  }

  static StreamSettings settings(String appId, Path state, String bootstrap) {
    return StreamSettings.defaults(
            bootstrap, CollectorRecording.live(3_000_000_000L, 3_000_000_000L), state)
        .withTopics("otlp_spans", List.of("otlp_logs"), "isostack_findings")
        .with(appId, 1, Map.of("commit.interval.ms", "200"));
  }

  @Test
  void findsWhatAnalyzeFindsEachSlowSpanOnce() throws Exception {
    broker.createTopics(Map.of("otlp_spans", 4, "otlp_logs", 2, "isostack_findings", 1));
    TreeSet<String> expected = CollectorRecording.analyzeFindings();
    Path state = Files.createTempDirectory("isostack-stream");
    StreamSettings settings = settings("replay", state, broker.bootstrapServers());
    try (CorrelatorStream stream = new CorrelatorStream(settings, RuleTable.defaults(), f -> {});
        KafkaConsumer<String, byte[]> findings =
            broker.committedReader(settings.findingsTopic(), "replay-check")) {
      stream.start();
      assertThat(stream.awaitRunning(Duration.ofSeconds(60))).isTrue();
      replay(broker, settings, List.of(stream));
      List<ConsumerRecord<String, byte[]>> out =
          KraftBroker.poll(
              findings, expected.size(), System.nanoTime() + TimeUnit.SECONDS.toNanos(90));
      // Anything published twice would arrive within a few more commits.
      out.addAll(KraftBroker.poll(findings, Integer.MAX_VALUE, System.nanoTime() + 2_000_000_000L));
      List<String> keys = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> r : out) {
        keys.addAll(CollectorRecording.findingKeys(r.value()));
      }
      assertThat(new TreeSet<>(keys)).as("%s", stream.stats()).isEqualTo(expected);
      assertThat(keys).hasSameSizeAs(expected);
      assertThat(stream.recentFindings(1000)).hasSameSizeAs(expected);
      assertThat(stream.stats().rejectedByReason()).isEmpty();
    } finally {
      KraftBroker.delete(state);
    }
  }
}
