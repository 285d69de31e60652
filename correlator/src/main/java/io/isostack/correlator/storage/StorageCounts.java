package io.isostack.correlator.storage;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The counters of the write-ahead store, since this process started (they are not restored after a
 * restart), exposed at {@code /metrics} as {@code correlator_storage_*}. Thread-safe.
 */
public final class StorageCounts {
  /** A failure reason: the store holds its byte cap. */
  static final String FULL = "full";

  /** A failure reason: SQLite reported an error. */
  static final String ERROR = "error";

  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  private final LongAdder appended = new LongAdder();
  private final LongAdder failedFull = new LongAdder();
  private final LongAdder failedError = new LongAdder();
  private final LongAdder truncated = new LongAdder();
  private final LongAdder replayedEntries = new LongAdder();
  private final LongAdder replayedRecords = new LongAdder();
  private final LongAdder replayDropped = new LongAdder();
  private final LongAdder suppressed = new LongAdder();
  private final LongAdder resumed = new LongAdder();
  private final AtomicLong lastLog = new AtomicLong(Long.MIN_VALUE);

  void appended() {
    appended.increment();
  }

  void writeFailed(String reason) {
    (FULL.equals(reason) ? failedFull : failedError).increment();
  }

  void truncated(long n) {
    truncated.add(n);
  }

  void replayed(long records) {
    replayedEntries.increment();
    replayedRecords.add(records);
  }

  void notReplayed() {
    replayDropped.increment();
  }

  void suppressed() {
    suppressed.increment();
  }

  void resumed() {
    resumed.increment();
  }

  /** Whether a failure should be logged now: once per 10 s burst. */
  boolean shouldLog() {
    long now = System.nanoTime();
    long last = lastLog.get();
    return (last == Long.MIN_VALUE || now - last > LOG_INTERVAL_NANOS)
        && lastLog.compareAndSet(last, now);
  }

  /** Entries stored (requests answered OK). */
  public long appendedEntries() {
    return appended.sum();
  }

  /** Appends that failed, so that the request was refused: the store was full or failing. */
  public long writeFailures() {
    return failedFull.sum() + failedError.sum();
  }

  /** Entries replayed at start-up. */
  public long replayedEntries() {
    return replayedEntries.sum();
  }

  /** Spans and events taken by the engine from the replayed entries. */
  public long replayedRecords() {
    return replayedRecords.sum();
  }

  /** Replayed entries the engine did not take within the replay's patience (counted, dropped). */
  public long replayDropped() {
    return replayDropped.sum();
  }

  /** Findings not published again because a run before the restart had published them. */
  public long findingsSuppressed() {
    return suppressed.sum();
  }

  /** Followed files resumed at a saved offset. */
  public long followersResumed() {
    return resumed.sum();
  }

  /** Binds the counters and the store's size to {@code registry}. */
  public static void bindTo(WriteAheadStore store, MeterRegistry registry) {
    StorageCounts c = store.counts();
    Gauge.builder("correlator.storage.bytes", store, WriteAheadStore::bytes)
        .baseUnit("bytes")
        .description("Bytes of accepted requests held in --storage, not yet settled")
        .register(registry);
    Gauge.builder("correlator.storage.entries", store, WriteAheadStore::entries)
        .baseUnit("entries")
        .description("Accepted requests held in --storage, not yet settled")
        .register(registry);
    counter(
        registry,
        "correlator.storage.appended",
        "entries",
        "Requests stored",
        c,
        s -> s.appended.sum());
    FunctionCounter.builder("correlator.storage.write.failures", c, s -> s.failedFull.sum())
        .tag("reason", FULL)
        .baseUnit("entries")
        .description("Requests refused because --storage could not keep them")
        .register(registry);
    FunctionCounter.builder("correlator.storage.write.failures", c, s -> s.failedError.sum())
        .tag("reason", ERROR)
        .baseUnit("entries")
        .description("Requests refused because --storage could not keep them")
        .register(registry);
    counter(
        registry,
        "correlator.storage.truncated",
        "entries",
        "Settled entries deleted",
        c,
        s -> s.truncated.sum());
    counter(
        registry,
        "correlator.storage.replayed",
        "entries",
        "Entries replayed at start-up",
        c,
        s -> s.replayedEntries.sum());
    counter(
        registry,
        "correlator.storage.replayed.records",
        "records",
        "Spans and events replayed at start-up",
        c,
        s -> s.replayedRecords.sum());
    counter(
        registry,
        "correlator.storage.replay.dropped",
        "entries",
        "Replayed entries the engine did not take",
        c,
        s -> s.replayDropped.sum());
    counter(
        registry,
        "correlator.storage.findings.suppressed",
        "findings",
        "Findings published before a restart, not again",
        c,
        s -> s.suppressed.sum());
    counter(
        registry,
        "correlator.storage.followers.resumed",
        "files",
        "Followed files resumed at a saved offset",
        c,
        s -> s.resumed.sum());
  }

  private static void counter(
      MeterRegistry registry,
      String name,
      String unit,
      String description,
      StorageCounts c,
      ToDoubleFunction<StorageCounts> f) {
    FunctionCounter.builder(name, c, f).baseUnit(unit).description(description).register(registry);
  }
}
