package io.isostack.benchmarks;

import io.isostack.correlator.join.EntityKey;
import io.isostack.correlator.join.EventIndex;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Window-query throughput of {@link EventIndex}: {@value #EVENTS} events across {@value #KEYS}
 * process keys over {@value #TIMELINE_SECONDS} s (durations mostly under 2 ms, 1 % up to 100 ms),
 * sealed; each query asks one key for the events overlapping a 300 ms window (a slow hop), in
 * queries per second.
 *
 * <p>Baselines, same events and queries, same run: {@link #scanKeyEvents} scans every event of the
 * key (a per-key list without time order), {@link #scanAllEvents} scans every event of the input
 * (the spans × events loop the project forbids; fewer queries per invocation, same unit).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
public class EventIndexBenchmark {
  /** Events indexed. */
  public static final int EVENTS = 1_000_000;

  /** Distinct entity keys. */
  public static final int KEYS = 1_000;

  /** Queries per invocation of the index and per-key-scan benchmarks. */
  public static final int QUERIES = 10_000;

  /** Queries per invocation of the full-scan baseline. */
  public static final int FULL_SCAN_QUERIES = 20;

  static final long TIMELINE_SECONDS = 1_000;
  private static final long WINDOW_NANOS = 300_000_000L;

  private final EventIndex index = new EventIndex();
  private final Map<EntityKey, KernelEvent[]> byKey = new HashMap<>();
  private KernelEvent[] all;
  private EntityKey[] keys;
  private EntityKey[] queryKey;
  private long[] queryFrom;
  private final Counter counter = new Counter();

  /** Builds the events, the index and the baselines' lists; checks all three agree. */
  @Setup
  public void setUp() {
    SplittableRandom r = new SplittableRandom(11);
    keys = new EntityKey[KEYS];
    List<List<KernelEvent>> lists = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      keys[k] = new EntityKey(EntityKey.Kind.PROCESS, Workload.HOST, Workload.FIRST_PID + k);
      lists.add(new ArrayList<>());
    }
    all = new KernelEvent[EVENTS];
    long step = TIMELINE_SECONDS * 1_000_000_000L / EVENTS;
    for (int i = 0; i < EVENTS; i++) {
      int k = r.nextInt(KEYS);
      long end = Workload.BASE_EPOCH_NANOS + i * step;
      long dur = r.nextInt(100) == 0 ? r.nextLong(100_000_000L) : r.nextLong(2_000_000L);
      KernelEvent e =
          KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, Workload.HOST)
              .interval(end - dur, end)
              .task(Workload.FIRST_PID + k, Workload.FIRST_PID + k, "java")
              .source("bpftrace:runqlat.bt")
              .build();
      all[i] = e;
      lists.get(k).add(e);
      index.add(keys[k], e);
    }
    index.seal();
    for (int k = 0; k < KEYS; k++) {
      byKey.put(keys[k], lists.get(k).toArray(new KernelEvent[0]));
    }
    queryKey = new EntityKey[QUERIES];
    queryFrom = new long[QUERIES];
    for (int q = 0; q < QUERIES; q++) {
      queryKey[q] = keys[r.nextInt(KEYS)];
      queryFrom[q] =
          Workload.BASE_EPOCH_NANOS + r.nextLong(TIMELINE_SECONDS * 1_000_000_000L - WINDOW_NANOS);
    }
    long a = 0;
    long b = 0;
    long c = scanAll(FULL_SCAN_QUERIES);
    for (int q = 0; q < FULL_SCAN_QUERIES; q++) {
      a += query(q);
      b += scanKey(q);
    }
    if (a != b || b != c || a == 0) {
      throw new IllegalStateException("index " + a + ", key scan " + b + ", full scan " + c);
    }
  }

  /** The index: a hash lookup, a binary search, a scan of the overlapping run. */
  @Benchmark
  @OperationsPerInvocation(QUERIES)
  public long indexQuery() {
    long n = 0;
    for (int q = 0; q < QUERIES; q++) {
      n += query(q);
    }
    return n;
  }

  /** Baseline: every event of the key is tested. */
  @Benchmark
  @OperationsPerInvocation(QUERIES)
  public long scanKeyEvents() {
    long n = 0;
    for (int q = 0; q < QUERIES; q++) {
      n += scanKey(q);
    }
    return n;
  }

  /** Baseline: every event of the input is tested (spans × events). */
  @Benchmark
  @OperationsPerInvocation(FULL_SCAN_QUERIES)
  public long scanAllEvents() {
    return scanAll(FULL_SCAN_QUERIES);
  }

  private long query(int q) {
    counter.n = 0;
    index.query(queryKey[q], queryFrom[q], queryFrom[q] + WINDOW_NANOS, counter);
    return counter.n;
  }

  private long scanKey(int q) {
    long from = queryFrom[q];
    long to = from + WINDOW_NANOS;
    long n = 0;
    for (KernelEvent e : byKey.get(queryKey[q])) {
      if (e.startEpochNanos() <= to && e.endEpochNanos() >= from) {
        n++;
      }
    }
    return n;
  }

  private long scanAll(int queries) {
    long n = 0;
    for (int q = 0; q < queries; q++) {
      long from = queryFrom[q];
      long to = from + WINDOW_NANOS;
      int pid = (Integer) queryKey[q].id();
      String host = queryKey[q].host();
      for (KernelEvent e : all) {
        if (e.pid() == pid
            && e.startEpochNanos() <= to
            && e.endEpochNanos() >= from
            && e.host().equals(host)) {
          n++;
        }
      }
    }
    return n;
  }

  private static final class Counter implements Consumer<KernelEvent> {
    long n;

    @Override
    public void accept(KernelEvent e) {
      n++;
    }
  }
}
