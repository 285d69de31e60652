package io.isostack.correlator.receiver;

import io.isostack.codec.RejectListener;
import io.isostack.codec.Rejection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What was read: spans and events per source, records rejected by reason with the first few
 * examples (file and line), records skipped by reason (read correctly but carrying no evidence:
 * {@link io.isostack.codec.SkipReason}), events lost by producers.
 *
 * <p>Thread-safe: readers on several threads may report into one summary.
 */
public final class InputSummary implements RejectListener {
  /** How many rejected records are kept as examples. */
  public static final int MAX_EXAMPLES = 20;

  private final Map<String, Long> spansBySource = new TreeMap<>();
  private final Map<String, Long> eventsBySource = new TreeMap<>();
  private final Map<String, Long> rejectedByReason = new TreeMap<>();
  private final Map<String, Long> lostBySource = new TreeMap<>();
  private final Map<String, Long> skippedByReason = new TreeMap<>();
  private final List<Rejection> examples = new ArrayList<>();
  private final List<String> unreadable = new ArrayList<>();

  /** Counts spans read from a source. */
  public synchronized void spans(String source, long count) {
    spansBySource.merge(source, count, Long::sum);
  }

  /** Counts kernel events read from a source. */
  public synchronized void events(String source, long count) {
    eventsBySource.merge(source, count, Long::sum);
  }

  /** Counts events a producer reported lost. */
  public synchronized void lost(String source, long count) {
    lostBySource.merge(source, count, Long::sum);
  }

  /** Counts records skipped on purpose, by reason code ({@code ReadSummary#skipped()}). */
  public synchronized void skipped(Map<String, Long> byReason) {
    byReason.forEach((reason, n) -> skippedByReason.merge(reason, n, Long::sum));
  }

  /** Records an input that could not be opened or read at all, with the reason. */
  public synchronized void unreadable(String source, String reason) {
    unreadable.add(source + ": " + reason);
  }

  @Override
  public synchronized void rejected(Rejection rejection) {
    rejectedByReason.merge(rejection.reason(), 1L, Long::sum);
    if (examples.size() < MAX_EXAMPLES) {
      examples.add(rejection);
    }
  }

  /** Spans per source. */
  public synchronized Map<String, Long> spansBySource() {
    return Collections.unmodifiableMap(new TreeMap<>(spansBySource));
  }

  /** Events per source. */
  public synchronized Map<String, Long> eventsBySource() {
    return Collections.unmodifiableMap(new TreeMap<>(eventsBySource));
  }

  /** Rejected records per reason code. */
  public synchronized Map<String, Long> rejectedByReason() {
    return Collections.unmodifiableMap(new TreeMap<>(rejectedByReason));
  }

  /** Skipped records per reason code. */
  public synchronized Map<String, Long> skippedByReason() {
    return Collections.unmodifiableMap(new TreeMap<>(skippedByReason));
  }

  /** Total records skipped. */
  public synchronized long skippedTotal() {
    return skippedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Events lost per producer source. */
  public synchronized Map<String, Long> lostBySource() {
    return Collections.unmodifiableMap(new TreeMap<>(lostBySource));
  }

  /** The first {@link #MAX_EXAMPLES} rejected records. */
  public synchronized List<Rejection> rejectedExamples() {
    return List.copyOf(examples);
  }

  /** Inputs that could not be read at all. */
  public synchronized List<String> unreadable() {
    return List.copyOf(unreadable);
  }

  /** Total spans read. */
  public synchronized long spanTotal() {
    return spansBySource.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Total events read. */
  public synchronized long eventTotal() {
    return eventsBySource.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Total records rejected. */
  public synchronized long rejectedTotal() {
    return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Total events lost by producers. */
  public synchronized long lostTotal() {
    return lostBySource.values().stream().mapToLong(Long::longValue).sum();
  }
}
