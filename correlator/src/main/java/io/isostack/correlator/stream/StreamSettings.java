package io.isostack.correlator.stream;

import io.isostack.correlator.engine.LiveSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings of one {@code correlator stream} instance. Times are nanoseconds.
 *
 * @param bootstrapServers the Kafka brokers, {@code host:port[,host:port...]}
 * @param applicationId the Kafka Streams application id: the consumer group of every instance of
 *     one deployment and the prefix of its internal topics; default {@code isostack-correlator}
 * @param spansTopic where the Collector's {@code kafka} exporter writes traces ({@code otlp_proto},
 *     one {@code ExportTraceServiceRequest} per message, {@code partition_traces_by_id: true});
 *     default {@code otlp_spans}
 * @param eventTopics where kernel events arrive: OTLP logs ({@code otlp_proto} or {@code
 *     otlp_json}, the Collector's exporter) or canonical JSON lines; default {@code otlp_logs}
 * @param findingsTopic where findings go, one OTLP {@code ExportLogsServiceRequest} per message
 *     keyed by trace id; default {@code isostack_findings}
 * @param live the tunables shared with {@code serve}: analysis, trace idle and timeout, event
 *     lateness (the grace period a slow hop waits for its host's late events), retention (how long
 *     a host's events are kept in its window store)
 * @param tickNanos how often (wall clock) complete traces and ready hops are looked for; default
 *     100 ms
 * @param stateDir where the state stores live on local disk (restored from their changelog topics
 *     when missing)
 * @param threads Kafka Streams threads of this instance; default 1
 * @param persistentStores whether the state stores are RocksDB on local disk (default), or held in
 *     the heap; both are backed by changelog topics, the heap ones are rebuilt from them on start
 * @param overrides further Kafka Streams or client properties, applied last (not the processing
 *     guarantee, which stays {@code exactly_once_v2})
 */
public record StreamSettings(
    String bootstrapServers,
    String applicationId,
    String spansTopic,
    List<String> eventTopics,
    String findingsTopic,
    LiveSettings live,
    long tickNanos,
    Path stateDir,
    int threads,
    boolean persistentStores,
    Map<String, String> overrides) {

  /** The default application id. */
  public static final String DEFAULT_APPLICATION_ID = "isostack-correlator";

  /**
   * Validates.
   *
   * @throws IllegalArgumentException naming the setting (e.g. {@code bootstrapServers})
   */
  public StreamSettings {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrapServers must be given");
    }
    if (applicationId == null || !applicationId.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "applicationId must be letters, digits, '.', '_' or '-': " + applicationId);
    }
    Objects.requireNonNull(spansTopic, "spansTopic");
    Objects.requireNonNull(findingsTopic, "findingsTopic");
    eventTopics = List.copyOf(eventTopics);
    if (eventTopics.isEmpty()) {
      throw new IllegalArgumentException("eventTopics must name at least one topic");
    }
    if (eventTopics.contains(spansTopic) || eventTopics.contains(findingsTopic)) {
      throw new IllegalArgumentException(
          "eventTopics must differ from spansTopic and findingsTopic");
    }
    Objects.requireNonNull(live, "live");
    if (tickNanos <= 0) {
      throw new IllegalArgumentException("tickNanos must be positive: " + tickNanos);
    }
    Objects.requireNonNull(stateDir, "stateDir");
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    overrides = Map.copyOf(overrides);
    if (overrides.containsKey(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)) {
      throw new IllegalArgumentException(
          "overrides must not change processing.guarantee: it is exactly_once_v2");
    }
  }

  /** The defaults for a cluster, with the given live tunables and state directory. */
  public static StreamSettings defaults(String bootstrapServers, LiveSettings live, Path stateDir) {
    return new StreamSettings(
        bootstrapServers,
        DEFAULT_APPLICATION_ID,
        "otlp_spans",
        List.of("otlp_logs"),
        "isostack_findings",
        live,
        100_000_000L,
        stateDir,
        1,
        true,
        Map.of());
  }

  /** A copy with other topics. */
  public StreamSettings withTopics(String spans, List<String> events, String findings) {
    return new StreamSettings(
        bootstrapServers,
        applicationId,
        spans,
        events,
        findings,
        live,
        tickNanos,
        stateDir,
        threads,
        persistentStores,
        overrides);
  }

  /** A copy with the state stores in the heap ({@code false}) or on disk. */
  public StreamSettings withPersistentStores(boolean persistent) {
    return new StreamSettings(
        bootstrapServers,
        applicationId,
        spansTopic,
        eventTopics,
        findingsTopic,
        live,
        tickNanos,
        stateDir,
        threads,
        persistent,
        overrides);
  }

  /** A copy with another application id, thread count and overrides. */
  public StreamSettings with(String appId, int threadCount, Map<String, String> props) {
    return new StreamSettings(
        bootstrapServers,
        appId,
        spansTopic,
        eventTopics,
        findingsTopic,
        live,
        tickNanos,
        stateDir,
        threadCount,
        persistentStores,
        props);
  }

  /**
   * The topic on which slow hops go from a host they visited (their peer's) on to their own host:
   * {@code <applicationId>-peer-hops}. The application creates it when it is missing ({@link
   * CorrelatorStream#start()}); it is read and written by this application only.
   */
  public String peerHopsTopic() {
    return applicationId + "-peer-hops";
  }

  /**
   * The Kafka Streams configuration: {@code processing.guarantee=exactly_once_v2}, byte-array
   * default serdes (every processor names its own), the state directory and thread count, then the
   * overrides.
   */
  public Properties properties() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    p.putAll(overrides);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    return p;
  }
}
