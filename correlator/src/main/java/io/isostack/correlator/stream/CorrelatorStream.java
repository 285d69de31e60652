package io.isostack.correlator.stream;

import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveView;
import io.isostack.correlator.rules.RuleTable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of {@code correlator stream}: the {@link CorrelatorTopology} in a {@link
 * KafkaStreams} client. Instances with the same application id form one consumer group and share
 * the partitions; when one stops, its tasks move to the others with their state.
 *
 * <p>A stream thread that fails is replaced ({@code REPLACE_THREAD}): its open transaction is
 * aborted and its task resumes from the last commit. Findings published by this instance are kept
 * for {@link #recentFindings} (the last {@code findingsKept}, one per slow span). Thread-safe.
 */
public final class CorrelatorStream implements LiveView, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CorrelatorStream.class);

  private final StreamStats stats = new StreamStats();
  private final ArrayDeque<LiveFinding> recent = new ArrayDeque<>();
  private final int findingsKept;
  private final StreamSettings settings;
  private final KafkaStreams streams;
  private final AtomicReference<String> lastFailure = new AtomicReference<>();

  /**
   * Creates an instance; call {@link #start()} to run it.
   *
   * @param settings the settings
   * @param rules the rule table
   * @param listener receives each finding this instance publishes, on a stream thread
   */
  public CorrelatorStream(
      StreamSettings settings, RuleTable rules, Consumer<LiveFinding> listener) {
    Objects.requireNonNull(listener, "listener");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.findingsKept = settings.live().findingsKept();
    Topology topology =
        CorrelatorTopology.build(
            settings,
            rules,
            stats,
            f -> {
              keep(f);
              listener.accept(f);
            });
    this.streams = new KafkaStreams(topology, settings.properties());
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("a stream thread failed; replacing it", e);
          lastFailure.set(rootMessage(e));
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
  }

  /**
   * Creates the peer-hops topic when it is missing ({@link StreamSettings#peerHopsTopic()}: as many
   * partitions as the spans topic, the {@code replication.factor} of the internal topics), then
   * starts the stream threads (they join the group and restore their state in the background). A
   * topic that cannot be created is logged; Kafka Streams then stops on the missing source topic.
   */
  public void start() {
    createPeerHopsTopic();
    streams.start();
  }

  private void createPeerHopsTopic() {
    StreamsConfig config = new StreamsConfig(settings.properties());
    String topic = settings.peerHopsTopic();
    try (Admin admin = Admin.create(config.getAdminConfigs(settings.applicationId() + "-setup"))) {
      if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
        return;
      }
      int partitions = 1;
      try {
        partitions =
            admin
                .describeTopics(List.of(settings.spansTopic()))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(settings.spansTopic())
                .partitions()
                .size();
      } catch (ExecutionException e) {
        // the spans topic is missing: Kafka Streams says so when it starts
      }
      int replication = config.getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG);
      NewTopic t =
          new NewTopic(
              topic,
              Optional.of(partitions),
              replication > 0 ? Optional.of((short) replication) : Optional.empty());
      admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
      LOG.info("created topic {} ({} partitions)", topic, partitions);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        LOG.warn("could not create topic {}: {}", topic, rootMessage(e));
      }
    } catch (TimeoutException e) {
      LOG.warn("could not create topic {}: the brokers did not answer in 30 s", topic);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until the instance is running (its tasks assigned and restored).
   *
   * @param timeout how long to wait at most
   * @return whether it is running
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing()) {
        return streams.state() == KafkaStreams.State.RUNNING;
      }
      Thread.sleep(50);
    }
    return true;
  }

  /** The Kafka Streams state ({@code CREATED}, {@code REBALANCING}, {@code RUNNING}...). */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * Healthy while the Kafka Streams state is {@code RUNNING} or {@code REBALANCING} (the detail is
   * {@code ok: RUNNING}); otherwise the detail is the state and why ({@code ERROR: } the last
   * stream thread failure, {@code NOT_RUNNING}, {@code CREATED: not started}...).
   */
  @Override
  public Health health() {
    KafkaStreams.State state = streams.state();
    String failure = lastFailure.get();
    return switch (state) {
      case RUNNING, REBALANCING -> new Health(true, "ok: " + state);
      case CREATED -> new Health(false, "CREATED: not started");
      case ERROR ->
          new Health(
              false,
              "ERROR: " + (failure != null ? failure : "the stream threads stopped; see the log"));
      case NOT_RUNNING -> new Health(false, "NOT_RUNNING: stopped");
      default -> new Health(false, state + ": stopping");
    };
  }

  /**
   * The Kafka Streams client, for metrics binders (e.g. Micrometer's {@code KafkaStreamsMetrics});
   * not to be started or closed by the caller.
   */
  public KafkaStreams kafkaStreams() {
    return streams;
  }

  /** This instance's counters. */
  public StreamStats stats() {
    return stats;
  }

  /**
   * The most recent findings this instance published, newest first.
   *
   * @param max at most this many
   */
  @Override
  public List<LiveFinding> recentFindings(int max) {
    synchronized (recent) {
      List<LiveFinding> out = new ArrayList<>(Math.max(0, Math.min(max, recent.size())));
      for (Iterator<LiveFinding> it = recent.descendingIterator();
          it.hasNext() && out.size() < max; ) {
        out.add(it.next());
      }
      return out;
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getClass().getSimpleName() + (r.getMessage() == null ? "" : ": " + r.getMessage());
  }

  /**
   * Keeps a finding for {@link #recentFindings}; one of a slow span already kept replaces it (its
   * task re-ran after an aborted transaction, and the topic holds the finding once).
   */
  private void keep(LiveFinding f) {
    String trace = f.finding().span().traceId();
    String span = f.finding().span().spanId();
    synchronized (recent) {
      recent.removeIf(
          k ->
              k.finding().span().spanId().equals(span)
                  && k.finding().span().traceId().equals(trace));
      recent.addLast(f);
      while (recent.size() > findingsKept) {
        recent.removeFirst();
      }
    }
  }

  /**
   * Stops the stream threads after their current commit and leaves the group, so the partitions
   * move to the other instances at once; waits at most 30 s.
   */
  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  /**
   * Stops as {@link #close()} does, waiting at most {@code timeout}.
   *
   * @return whether every thread stopped in time
   */
  public boolean close(Duration timeout) {
    return streams.close(new KafkaStreams.CloseOptions().timeout(timeout).leaveGroup(true));
  }
}
