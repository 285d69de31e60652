package io.isostack.correlator.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.rules.RuleTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three instances of one application on a real broker; one is stopped mid-replay. Its tasks move to
 * the other two with their state (changelogs), and every slow span still gets exactly one finding
 * (exactly-once processing: the stopped instance's open transaction is aborted).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RebalanceTest {
  @Test
  void everySlowSpanGetsExactlyOneFindingWhenAnInstanceStopsMidReplay() throws Exception {
    TreeSet<String> threshold = CollectorRecording.analyzeThresholdFindings();
    TreeSet<String> all = CollectorRecording.analyzeFindings();
    List<Path> dirs = new ArrayList<>();
    List<CorrelatorStream> streams = new ArrayList<>();
    try (KraftBroker broker = KraftBroker.start()) {
      broker.createTopics(Map.of("otlp_spans", 4, "otlp_logs", 2, "isostack_findings", 1));
      StreamSettings settings = null;
      for (int i = 0; i < 3; i++) {
        Path dir = Files.createTempDirectory("isostack-stream-" + i);
        dirs.add(dir);
        settings = RealBrokerReplayTest.settings("rebalance", dir, broker.bootstrapServers());
        streams.add(new CorrelatorStream(settings, RuleTable.defaults(), f -> {}));
      }
      streams.forEach(CorrelatorStream::start);
      for (CorrelatorStream s : streams) {
        assertThat(s.awaitRunning(Duration.ofSeconds(90))).isTrue();
      }
      try (KafkaConsumer<String, byte[]> findings =
          broker.committedReader(settings.findingsTopic(), "rebalance-check")) {
        RealBrokerReplayTest.replay(broker, settings, streams);
        // Mid-replay: the traces are in, their hops on the way; stop the busiest instance.
        Thread.sleep(1500);
        CorrelatorStream busiest = streams.get(0);
        for (CorrelatorStream s : streams) {
          if (s.stats().spans() > busiest.stats().spans()) {
            busiest = s;
          }
        }
        assertThat(busiest.stats().spans()).as("the stopped instance had work").isPositive();
        assertThat(busiest.close(Duration.ofSeconds(60))).isTrue();
        List<ConsumerRecord<String, byte[]>> out =
            KraftBroker.poll(
                findings, threshold.size(), System.nanoTime() + TimeUnit.SECONDS.toNanos(150));
        out.addAll(
            KraftBroker.poll(findings, Integer.MAX_VALUE, System.nanoTime() + 3_000_000_000L));
        Map<String, Integer> perSpan = new HashMap<>();
        TreeSet<String> keys = new TreeSet<>();
        for (ConsumerRecord<String, byte[]> r : out) {
          for (String k : CollectorRecording.findingKeys(r.value())) {
            keys.add(k);
            perSpan.merge(k.substring(0, 49), 1, Integer::sum);
          }
        }
        assertThat(perSpan.values()).as("findings per slow span").containsOnly(1);
        assertThat(keys).containsAll(threshold);
        assertThat(all).containsAll(keys);
      }
    } finally {
      for (CorrelatorStream s : streams) {
        s.close(Duration.ofSeconds(30));
      }
      for (Path d : dirs) {
        KraftBroker.delete(d);
      }
    }
  }
}
