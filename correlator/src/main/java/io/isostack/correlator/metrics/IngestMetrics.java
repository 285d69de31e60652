package io.isostack.correlator.metrics;

import io.isostack.codec.ReadSummary;
import io.isostack.codec.RejectReason;
import io.isostack.correlator.receiver.EventFollower;
import io.isostack.correlator.receiver.EventProducer;
import io.isostack.correlator.receiver.ReceiveTally;
import io.isostack.correlator.receiver.RejectTally;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The meters of live inputs, read from the counters the inputs already keep:
 *
 * <ul>
 *   <li>{@code correlator.records.received} (counter, records; {@code source}, {@code signal}):
 *       records handed to the engine, from {@link ReceiveTally} for the receivers and from each
 *       follower's and producer's {@link ReadSummary#records()};
 *   <li>{@code correlator.bytes.received} (counter, bytes; {@code source}, {@code signal}): request
 *       bodies decoded (after decompression), and bytes read from files and producers;
 *   <li>{@code correlator.producer.events.lost} (counter, events; {@code source}): events a
 *       producer reported lost (bpftrace {@code lost_events}, carried as {@code producer.lost});
 *   <li>{@code correlator.records.rejected} (counter, records; {@code reason}): every {@link
 *       RejectReason} code registered at zero, from {@link RejectTally}; {@code other} sums any
 *       code not in that list;
 *   <li>{@code correlator.records.skipped} (counter, records; {@code reason}): records read
 *       correctly but skipped ({@link io.isostack.codec.SkipReason}: {@code producer-text}, {@code
 *       bpftrace-map}...), from {@link RejectTally#skippedCounts()}; one counter per reason as it
 *       is first seen, at most {@value #MAX_SKIP_REASONS}, then {@code other}.
 * </ul>
 *
 * <p>Tag values are a closed set, so cardinality is bounded by the configuration: {@code source} is
 * {@code otlp-grpc}, {@code otlp-http}, {@code kernel-events}, {@code file:<the --events argument>}
 * or {@code producer:<name>} (the file name of the command's {@code .bt} script, else of its
 * program); {@code signal} is {@code spans}, {@code logs} (OTLP log records carrying kernel events)
 * or {@code events} (kernel-event lines).
 *
 * <p>Micrometer holds the state of function meters weakly: the meters read the tallies, followers
 * and producers, which the server holds for its lifetime. Thread-safe.
 */
public final class IngestMetrics implements MeterBinder {
  static final List<String> REASONS =
      List.of(
          RejectReason.INVALID_JSON,
          RejectReason.NOT_CANONICAL,
          RejectReason.MISSING_FIELD,
          RejectReason.INVALID_VALUE,
          RejectReason.INVALID_ID,
          RejectReason.UNKNOWN_EVENT,
          RejectReason.MISSING_CLOCK_SYNC,
          RejectReason.TRUNCATED,
          RejectReason.INVALID_PROTOBUF,
          RejectReason.LINE_TOO_LONG,
          RejectReason.MISSING_TIME_ANCHOR,
          RejectReason.UNKNOWN_LAYOUT,
          RejectReason.INVALID_ENCODING,
          RejectReason.TOO_LARGE,
          RejectReason.READER_ERROR);
  static final String OTHER_REASON = "other";

  /** The most skip reasons given a counter of their own; later ones are summed in {@code other}. */
  static final int MAX_SKIP_REASONS = 64;

  private final ReceiveTally received;
  private final RejectTally rejects;
  private final List<EventFollower> followers;
  private final List<EventProducer> producers;

  /**
   * Creates the binder.
   *
   * @param received what the network receivers took in
   * @param rejects the rejections of every input
   * @param followers the followed files (their number bounds the {@code file:} tags)
   * @param producers the producer commands (their number bounds the {@code producer:} tags)
   */
  public IngestMetrics(
      ReceiveTally received,
      RejectTally rejects,
      List<EventFollower> followers,
      List<EventProducer> producers) {
    this.received = Objects.requireNonNull(received, "received");
    this.rejects = Objects.requireNonNull(rejects, "rejects");
    this.followers = List.copyOf(followers);
    this.producers = List.copyOf(producers);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (ReceiveTally.Channel c : ReceiveTally.Channel.values()) {
      records(registry, c.source(), c.signal(), received, r -> r.records(c));
      bytes(registry, c.source(), c.signal(), received, r -> r.bytes(c));
      if (!c.signal().equals("spans")) {
        lost(registry, c.source(), received, r -> r.lost(c));
      }
    }
    Set<String> taken = new HashSet<>();
    for (EventFollower f : followers) {
      String source = unique("file:" + (f.source().equals("stdin") ? "-" : f.source()), taken);
      stream(registry, source, f, EventFollower::counts, EventFollower::bytesRead);
    }
    for (EventProducer p : producers) {
      String source = unique("producer:" + producerName(p.command()), taken);
      stream(registry, source, p, EventProducer::counts, EventProducer::bytesRead);
    }
    for (String reason : REASONS) {
      rejected(registry, reason, rejects, t -> t.count(reason));
    }
    rejected(registry, OTHER_REASON, rejects, IngestMetrics::otherRejections);
    Set<String> skipReasons = ConcurrentHashMap.newKeySet();
    rejects.onNewSkipReason(
        reason -> {
          if (skipReasons.size() < MAX_SKIP_REASONS && skipReasons.add(reason)) {
            skipped(registry, reason, rejects, t -> t.skippedCount(reason));
          } else if (!skipReasons.contains(reason) && skipReasons.add(OTHER_REASON)) {
            skipped(registry, OTHER_REASON, rejects, t -> otherSkips(t, skipReasons));
          }
        });
  }

  private static long otherSkips(RejectTally rejects, Set<String> registered) {
    long n = 0;
    for (Map.Entry<String, Long> e : rejects.skippedCounts().entrySet()) {
      if (!registered.contains(e.getKey())) {
        n += e.getValue();
      }
    }
    return n;
  }

  private static <T> void skipped(
      MeterRegistry registry, String reason, T state, ToLongFunction<T> value) {
    FunctionCounter.builder("correlator.records.skipped", state, value::applyAsLong)
        .description(
            "Records the inputs read correctly but skipped: no evidence (bpftrace map/hist"
                + " records, producer banners, unmapped producer events), by reason")
        .baseUnit("records")
        .tag("reason", reason)
        .register(registry);
  }

  /**
   * A short, stable name for a producer command: the file name of its first word ending in {@code
   * .bt} (the bpftrace script), else the file name of its program; e.g. {@code sched.bt} for {@code
   * bpftrace -q -f json samples/ebpf/sched.bt node-1}, {@code cat} for {@code cat events.jsonl}.
   */
  static String producerName(String command) {
    String[] words = command.trim().split("\\s+");
    for (String w : words) {
      if (w.endsWith(".bt")) {
        return fileName(w);
      }
    }
    return words.length == 0 || words[0].isEmpty() ? "producer" : fileName(words[0]);
  }

  private static String fileName(String path) {
    String p = path.replaceAll("^['\"]|['\"]$", "");
    int slash = p.lastIndexOf('/');
    return slash >= 0 && slash < p.length() - 1 ? p.substring(slash + 1) : p;
  }

  /** The name, or the name with {@code #2}, {@code #3}... when it is taken already. */
  private static String unique(String name, Set<String> taken) {
    String n = name;
    for (int i = 2; !taken.add(n); i++) {
      n = name + "#" + i;
    }
    return n;
  }

  private static long otherRejections(RejectTally rejects) {
    long n = 0;
    for (Map.Entry<String, Long> e : rejects.counts().entrySet()) {
      if (!REASONS.contains(e.getKey())) {
        n += e.getValue();
      }
    }
    return n;
  }

  private static <T> void stream(
      MeterRegistry registry,
      String source,
      T input,
      Function<T, ReadSummary> counts,
      ToLongFunction<T> bytes) {
    records(registry, source, "events", input, x -> counts.apply(x).records());
    bytes(registry, source, "events", input, bytes);
    lost(registry, source, input, x -> counts.apply(x).lost());
  }

  private static <T> void records(
      MeterRegistry registry, String source, String signal, T state, ToLongFunction<T> value) {
    FunctionCounter.builder("correlator.records.received", state, value::applyAsLong)
        .description("Records taken in and handed to the engine, by input and signal")
        .baseUnit("records")
        .tags("source", source, "signal", signal)
        .register(registry);
  }

  private static <T> void bytes(
      MeterRegistry registry, String source, String signal, T state, ToLongFunction<T> value) {
    FunctionCounter.builder("correlator.bytes.received", state, value::applyAsLong)
        .description("Bytes received: request bodies after decompression, bytes read from streams")
        .baseUnit("bytes")
        .tags("source", source, "signal", signal)
        .register(registry);
  }

  private static <T> void lost(
      MeterRegistry registry, String source, T state, ToLongFunction<T> value) {
    FunctionCounter.builder("correlator.producer.events.lost", state, value::applyAsLong)
        .description("Events a kernel-event producer reported lost (bpftrace lost_events)")
        .baseUnit("events")
        .tag("source", source)
        .register(registry);
  }

  private static <T> void rejected(
      MeterRegistry registry, String reason, T state, ToLongFunction<T> value) {
    FunctionCounter.builder("correlator.records.rejected", state, value::applyAsLong)
        .description("Records rejected by the inputs as invalid, by reason")
        .baseUnit("records")
        .tag("reason", reason)
        .register(registry);
  }
}
