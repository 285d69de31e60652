package io.isostack.correlator.stream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker for the tests: one combined KRaft broker and controller of the Kafka release
 * the application is built against, in this JVM, on loopback with free ports, its log directories
 * in a temporary directory that {@link #close()} deletes. Settings for one node: replication factor
 * 1 for the internal topics, no initial rebalance delay.
 */
final class KraftBroker implements AutoCloseable {
  private final Path dir;
  private final KafkaClusterTestKit cluster;

  private KraftBroker(Path dir, KafkaClusterTestKit cluster) {
    this.dir = dir;
    this.cluster = cluster;
  }

  /** Formats and starts the broker; waits until it is ready. */
  static KraftBroker start() throws Exception {
    Path dir = Files.createTempDirectory("isostack-kraft");
    KafkaClusterTestKit cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir)
                    .build())
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "4")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("transaction.state.log.num.partitions", "4")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("num.network.threads", "2")
            .setConfigProp("num.io.threads", "2")
            .setDeleteOnClose(true)
            .build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      cluster.close();
      delete(dir);
      throw e;
    }
    return new KraftBroker(dir, cluster);
  }

  String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Creates topics with the given partition counts, replication factor 1. */
  void createTopics(Map<String, Integer> partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      List<NewTopic> topics = new ArrayList<>();
      partitions.forEach((name, n) -> topics.add(new NewTopic(name, n, (short) 1)));
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    }
  }

  /** A producer as the Collector's exporter is configured: acks=all, idempotent. */
  KafkaProducer<String, byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** Sends every record and waits for the broker's acknowledgements. */
  void send(String topic, List<? extends Map.Entry<String, byte[]>> records) throws Exception {
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (Map.Entry<String, byte[]> r : records) {
        producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue()));
      }
      producer.flush();
    }
  }

  /** A read-committed consumer of one topic from its start. */
  KafkaConsumer<String, byte[]> committedReader(String topic, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    c.subscribe(List.of(topic));
    return c;
  }

  /** Polls until {@code count} records came or the deadline passed. */
  static List<ConsumerRecord<String, byte[]>> poll(
      KafkaConsumer<String, byte[]> c, int count, long deadlineNanos) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    while (out.size() < count && System.nanoTime() < deadlineNanos) {
      c.poll(java.time.Duration.ofMillis(200)).forEach(out::add);
    }
    return out;
  }

  @Override
  public void close() throws java.io.IOException {
    try {
      cluster.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new java.io.IOException("the broker did not stop cleanly", e);
    } finally {
      delete(dir);
    }
  }

  static void delete(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
