package io.isostack.benchmarks;

import com.google.protobuf.ByteString;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.stream.CorrelatorStream;
import io.isostack.correlator.stream.StreamSettings;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
 * The scale bench of {@code correlator stream}: a real KRaft broker in this JVM, topics of 8
 * partitions preloaded in the Collector's format (one {@code ExportTraceServiceRequest} per trace
 * keyed by trace id; canonical event lines keyed by host), then 1, 2 and 4 instances of the
 * application (one stream thread each, one consumer group per run) drain them: spans and events per
 * second in total and per instance, until every slow hop has its finding. The CPU time of the
 * stream threads is shown beside that of the rest of the process during the run (the broker and the
 * findings checker; the topics are loaded before), so the broker's own cost is visible. A warm-up
 * run (a tenth of the load, not printed) comes first. Bounded: fixed counts, 240 s per run at most;
 * the broker's directory is deleted at the end.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.isostack.benchmarks.StreamScaleBench
 * [TRACES [EVENTS [INSTANCES...]]]}, defaults 10 000 traces (30 000 spans, 3 % slow), 300 000
 * events over 16 hosts, instances 1 2 4. Prints to standard output: a measuring tool.
 */
public final class StreamScaleBench {
  private static final int PARTITIONS = 8;
  private static final int HOSTS = 16;
  private static final long T0 = 1_795_000_000_000_000_000L;

  private StreamScaleBench() {}

  /**
   * Runs the bench.
   *
   * @param args optional: traces, events, then instance counts
   * @throws Exception if the broker cannot start or a run fails
   */
  public static void main(String[] args) throws Exception {
    int traces = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
    List<Integer> counts = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      counts.add(Integer.parseInt(args[i]));
    }
    if (counts.isEmpty()) {
      counts = List.of(1, 2, 4);
    }
    System.out.printf(
        "StreamScaleBench: %,d traces (%,d spans), %,d events, %d hosts, %d partitions, %d CPUs,"
            + " %s %s%n",
        traces,
        traces * 3,
        events,
        HOSTS,
        PARTITIONS,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"));
    Path dir = Files.createTempDirectory("isostack-scale-");
    KafkaClusterTestKit broker = broker(dir.resolve("kraft"));
    try {
      List<ProducerRecord<String, byte[]>> spans = spans(traces);
      List<ProducerRecord<String, byte[]>> lines = events(events, traces);
      int slow = countSlow(spans);
      System.out.printf(
          "%nrun  instances  elapsed  spans/s total  events/s total  per instance"
              + "  stream CPU  other CPU (broker, checker)%n");
      // A warm-up run, not printed: the broker creates its offsets and transaction-state topics
      // and the JIT compiles the hot paths, so that the first measured run pays for neither.
      run(
          broker,
          dir,
          1,
          spans.subList(0, spans.size() / 10),
          lines.subList(0, lines.size() / 10),
          -1);
      for (int n : counts) {
        run(broker, dir, n, spans, lines, slow);
      }
    } finally {
      broker.close();
      delete(dir);
    }
  }

  private static KafkaClusterTestKit broker(Path dir) throws Exception {
    KafkaClusterTestKit cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir)
                    .build())
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "8")
            .setConfigProp("transaction.state.log.num.partitions", "8")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setDeleteOnClose(true)
            .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    return cluster;
  }

  private static void run(
      KafkaClusterTestKit broker,
      Path dir,
      int n,
      List<ProducerRecord<String, byte[]>> spans,
      List<ProducerRecord<String, byte[]>> events,
      int slow)
      throws Exception {
    String p = slow < 0 ? "warmup_" : "run" + n + "_";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(p + "spans", PARTITIONS, (short) 1),
                  new NewTopic(p + "events", PARTITIONS, (short) 1),
                  new NewTopic(p + "findings", PARTITIONS, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
    load(broker, p + "events", events);
    load(broker, p + "spans", spans);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu0 = processCpu();
    List<CorrelatorStream> instances = new ArrayList<>();
    LiveSettings live = LiveSettings.defaults(AnalyzerSettings.defaults());
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      StreamSettings s =
          StreamSettings.defaults(broker.bootstrapServers(), live, dir.resolve(p + i))
              .withTopics(p + "spans", List.of(p + "events"), p + "findings")
              .with(p + "bench-" + n, 1, Map.of());
      CorrelatorStream c = new CorrelatorStream(s, RuleTable.defaults(), f -> {});
      c.start();
      instances.add(c);
    }
    int expected = slow < 0 ? countSlow(spans) : slow;
    int found =
        awaitFindings(broker, p + "findings", expected, start + TimeUnit.SECONDS.toNanos(240));
    double secs = (System.nanoTime() - start) / 1e9;
    long streamCpu = 0;
    for (ThreadInfo t : threads.dumpAllThreads(false, false)) {
      if (t.getThreadName().startsWith(p + "bench-" + n + "-")) {
        streamCpu += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
      }
    }
    long cpu = processCpu() - cpu0;
    long spansIn = instances.stream().mapToLong(c -> c.stats().spans()).sum();
    long eventsIn = instances.stream().mapToLong(c -> c.stats().events()).sum();
    StringBuilder per = new StringBuilder();
    for (CorrelatorStream c : instances) {
      per.append(String.format("%,.0f ", (c.stats().spans() + c.stats().events()) / secs));
    }
    if (slow < 0) {
      instances.forEach(c -> c.close(Duration.ofSeconds(60)));
      return;
    }
    System.out.printf(
        "%-4s %9d  %6.1f s  %,13.0f  %,14.0f  %s rec/s  %8.1f s  %8.1f s%s%n",
        p.replace("_", ""),
        n,
        secs,
        spansIn / secs,
        eventsIn / secs,
        per.toString().trim(),
        streamCpu / 1e9,
        Math.max(0, cpu - streamCpu) / 1e9,
        found < expected ? "  (" + found + " of " + expected + " findings: timed out)" : "");
    for (CorrelatorStream c : instances) {
      c.close(Duration.ofSeconds(60));
    }
  }

  private static int countSlow(List<ProducerRecord<String, byte[]>> spans) {
    return (int) spans.stream().filter(r -> r.headers().lastHeader("slow") != null).count();
  }

  private static long processCpu() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static void load(
      KafkaClusterTestKit broker, String topic, List<ProducerRecord<String, byte[]>> records) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<String, byte[]> r : records) {
        producer.send(new ProducerRecord<>(topic, r.key(), r.value()));
      }
      producer.flush();
    }
  }

  private static int awaitFindings(
      KafkaClusterTestKit broker, String topic, int expected, long deadline) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-check");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    int found = 0;
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      while (found < expected && System.nanoTime() < deadline) {
        found += c.poll(Duration.ofMillis(100)).count();
      }
    }
    return found;
  }

  /** Frontend SERVER → frontend CLIENT → backend SERVER per trace; 3 % slow backends (400 ms). */
  private static List<ProducerRecord<String, byte[]>> spans(int traces) {
    Random random = new Random(42);
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>(traces);
    for (int t = 0; t < traces; t++) {
      String host = "node-" + (t % HOSTS);
      byte[] id = new byte[16];
      random.nextBytes(id);
      id[0] |= 1;
      long start = T0 + t * 10_000_000L;
      boolean slow = random.nextInt(100) < 3;
      long backend = slow ? 400_000_000L : 5_000_000L;
      Span root =
          span(
              id,
              1,
              0,
              "GET /checkout",
              Span.SpanKind.SPAN_KIND_SERVER,
              start,
              backend + 4_000_000L);
      Span client =
          span(
              id,
              2,
              1,
              "GET /pay",
              Span.SpanKind.SPAN_KIND_CLIENT,
              start + 1_000_000L,
              backend + 2_000_000L);
      Span server =
          span(id, 3, 2, "GET /pay", Span.SpanKind.SPAN_KIND_SERVER, start + 2_000_000L, backend);
      ExportTraceServiceRequest r =
          ExportTraceServiceRequest.newBuilder()
              .addResourceSpans(resource("frontend", host, 1000 + t % HOSTS, root, client))
              .addResourceSpans(resource("backend", host, 2000 + t % HOSTS, server))
              .build();
      ProducerRecord<String, byte[]> rec =
          new ProducerRecord<>("spans", java.util.HexFormat.of().formatHex(id), r.toByteArray());
      if (slow) {
        rec.headers().add("slow", new byte[] {1});
      }
      out.add(rec);
    }
    return out;
  }

  private static ResourceSpans resource(String service, String host, int pid, Span... spans) {
    Resource.Builder res =
        Resource.newBuilder()
            .addAttributes(attr("service.name", service))
            .addAttributes(attr("host.name", host))
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("process.pid")
                    .setValue(AnyValue.newBuilder().setIntValue(pid)));
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (Span s : spans) {
      scope.addSpans(s);
    }
    return ResourceSpans.newBuilder().setResource(res).addScopeSpans(scope).build();
  }

  private static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  private static Span span(
      byte[] trace, int id, int parent, String name, Span.SpanKind kind, long start, long dur) {
    Span.Builder s =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(trace))
            .setSpanId(ByteString.copyFrom(spanId(id)))
            .setName(name)
            .setKind(kind)
            .setStartTimeUnixNano(start)
            .setEndTimeUnixNano(start + dur);
    if (parent > 0) {
      s.setParentSpanId(ByteString.copyFrom(spanId(parent)));
    }
    return s.build();
  }

  private static byte[] spanId(int n) {
    byte[] b = new byte[8];
    b[7] = (byte) n;
    return b;
  }

  /**
   * Canonical realtime lines, 100 per message, keyed by host: run-queue waits of the backend pids
   * (the evidence of the slow hops) among the cgroup.attach records that place them.
   */
  private static List<ProducerRecord<String, byte[]>> events(int events, int traces) {
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
    long span = traces * 10_000_000L;
    StringBuilder[] chunks = new StringBuilder[HOSTS];
    int[] counts = new int[HOSTS];
    for (int h = 0; h < HOSTS; h++) {
      chunks[h] = new StringBuilder();
      chunks[h].append(
          String.format(
              "{\"event.name\":\"cgroup.attach\",\"host.name\":\"node-%d\",\"clock\":\"realtime\","
                  + "\"time_ns\":%d,\"pid\":%d,\"cgroup.path\":\"/backend\"}%n",
              h, T0 - 1_000_000_000L, 2000 + h));
    }
    for (int i = 0; i < events; i++) {
      int h = i % HOSTS;
      long t = T0 + (span * i) / events;
      chunks[h].append(
          String.format(
              "{\"event.name\":\"sched.runq_latency\",\"host.name\":\"node-%d\",\"clock\":\"realtime\","
                  + "\"time_ns\":%d,\"pid\":%d,\"tid\":%d,\"comm\":\"java\",\"dur_ns\":%d}%n",
              h, t, 2000 + h, 2000 + h, 3_000_000L));
      if (++counts[h] == 100) {
        out.add(flush(h, chunks[h]));
        counts[h] = 0;
      }
    }
    for (int h = 0; h < HOSTS; h++) {
      if (chunks[h].length() > 0) {
        out.add(flush(h, chunks[h]));
      }
    }
    return out;
  }

  private static ProducerRecord<String, byte[]> flush(int host, StringBuilder chunk) {
    byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
    chunk.setLength(0);
    return new ProducerRecord<>("events", "node-" + host, bytes);
  }

  private static void delete(Path dir) throws java.io.IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
