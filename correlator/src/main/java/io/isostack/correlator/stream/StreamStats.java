package io.isostack.correlator.stream;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one {@code stream} instance, summed over its stream threads and tasks: spans and
 * kernel events taken in, records rejected (by reason), late spans, traces evaluated, slow hops
 * sent to their host, visits to their peers' hosts and findings published (by layer). Counted as
 * records are processed, so a task re-run after a failover counts again what its aborted
 * transaction had counted. Thread-safe.
 */
public final class StreamStats {
  private final LongAdder spans = new LongAdder();
  private final LongAdder events = new LongAdder();
  private final LongAdder spansLate = new LongAdder();
  private final LongAdder traces = new LongAdder();
  private final LongAdder hops = new LongAdder();
  private final LongAdder eventsStored = new LongAdder();
  private final LongAdder hopsParked = new LongAdder();
  private final LongAdder hopsVisited = new LongAdder();
  private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> findings = new ConcurrentHashMap<>();

  /** Creates zeroed counters. */
  public StreamStats() {}

  void spans(long n) {
    spans.add(n);
  }

  void events(long n) {
    events.add(n);
  }

  void spansLate(long n) {
    spansLate.add(n);
  }

  void trace() {
    traces.increment();
  }

  void hop() {
    hops.increment();
  }

  void eventStored() {
    eventsStored.increment();
  }

  void hopParked() {
    hopsParked.increment();
  }

  void hopVisited() {
    hopsVisited.increment();
  }

  void rejected(String reason, long n) {
    rejected.computeIfAbsent(reason, k -> new LongAdder()).add(n);
  }

  void finding(String layer) {
    findings.computeIfAbsent(layer, k -> new LongAdder()).increment();
  }

  /** Valid spans taken from the spans topic. */
  public long spans() {
    return spans.sum();
  }

  /** Valid kernel events taken from the event topics. */
  public long events() {
    return events.sum();
  }

  /** Spans that arrived for a trace already evaluated (dropped). */
  public long spansLate() {
    return spansLate.sum();
  }

  /** Traces evaluated by the horizontal step. */
  public long traces() {
    return traces.sum();
  }

  /** Slow hops sent to their host's partition. */
  public long hops() {
    return hops.sum();
  }

  /** Kernel events put into their host's window store by the vertical step. */
  public long eventsStored() {
    return eventsStored.sum();
  }

  /** Slow hops parked at their host's partition to wait for its events. */
  public long hopsParked() {
    return hopsParked.sum();
  }

  /**
   * Visits of slow hops to another host than their own (their peer's), to take that host's evidence
   * with them.
   */
  public long hopsVisited() {
    return hopsVisited.sum();
  }

  /** Findings published, all layers. */
  public long findings() {
    return findings.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Findings published by layer code ({@code L-3}, {@code application}...), sorted. */
  public Map<String, Long> findingsByLayer() {
    return sum(findings);
  }

  /** Rejected records by reason ({@code invalid-protobuf}, {@code invalid-id}...), sorted. */
  public Map<String, Long> rejectedByReason() {
    return sum(rejected);
  }

  /** Every counter on one line, for logs and the command line. */
  @Override
  public String toString() {
    return "spans="
        + spans()
        + " spansLate="
        + spansLate()
        + " traces="
        + traces()
        + " hops="
        + hops()
        + " events="
        + events()
        + " eventsStored="
        + eventsStored()
        + " hopsParked="
        + hopsParked()
        + " hopsVisited="
        + hopsVisited()
        + " findings="
        + findingsByLayer()
        + " rejected="
        + rejectedByReason();
  }

  private static Map<String, Long> sum(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
