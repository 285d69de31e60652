package io.isostack.benchmarks;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.ReadContext;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.receiver.IngestResult;
import io.isostack.correlator.receiver.LiveIngest;
import io.isostack.correlator.receiver.RejectTally;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.storage.WriteAheadStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The cost of {@code serve --storage} on the ingest path (issue 10): OTLP/JSON trace requests
 * decoded by the real {@link LiveIngest} and offered to a started {@link LiveAnalyzer}, with a
 * {@link WriteAheadStore} in a temporary directory and without one (the baseline), alternately in
 * the same run. Prints requests and spans per second of each round, the medians and the ratio
 * stored / baseline. A refused request (queue or memory full) is offered again after 1 ms and
 * counted.
 *
 * <p>Usage (after {@code mvn -pl benchmarks -am package}): {@code java -cp
 * benchmarks/target/benchmarks.jar io.isostack.benchmarks.StorageBench [--requests N] [--spans N]
 * [--threads N] [--reps N]}; defaults 20 000 requests of 50 spans on 2 threads, 3 repetitions.
 * Prints to standard output: it is a measuring tool.
 */
public final class StorageBench {
  private StorageBench() {}

  /**
   * Runs the comparison.
   *
   * @param args options, see the class comment
   * @throws Exception if the store cannot be opened or a thread is interrupted
   */
  public static void main(String[] args) throws Exception {
    int requests = 20_000;
    int spans = 50;
    int threads = 2;
    int reps = 3;
    for (int i = 0; i < args.length; i += 2) {
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--requests" -> requests = v;
        case "--spans" -> spans = v;
        case "--threads" -> threads = v;
        case "--reps" -> reps = v;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<Double> base = new ArrayList<>();
    List<Double> stored = new ArrayList<>();
    round(false, requests / 4, spans, threads); // warm-up
    round(true, requests / 4, spans, threads);
    for (int r = 0; r < reps; r++) {
      base.add(round(false, requests, spans, threads));
      stored.add(round(true, requests, spans, threads));
    }
    double b = median(base);
    double s = median(stored);
    System.out.printf(
        Locale.ROOT,
        "median requests/s: baseline %.0f, --storage %.0f; ratio --storage / baseline %.2f"
            + " (spans/s: %.0f vs %.0f)%n",
        b,
        s,
        s / b,
        b * spans,
        s * spans);
  }

  private static double round(boolean storage, int requests, int spans, int threads)
      throws Exception {
    LiveAnalyzer engine =
        new LiveAnalyzer(
            RuleTable.defaults(),
            LiveSettings.defaults(AnalyzerSettings.defaults().withDefaultHost("node-1")),
            StorageBench::now,
            f -> {});
    engine.start();
    Path dir = Files.createTempDirectory("storage-bench");
    WriteAheadStore store = storage ? WriteAheadStore.open(dir, 1L << 40) : null;
    LiveIngest ingest =
        new LiveIngest(
            engine,
            engine,
            ReadContext.of(new ClockConverter(), "node-1", Clock.systemUTC()),
            new RejectTally(System::nanoTime));
    if (store != null) {
      ingest.writeAhead(store);
    }
    AtomicLong refused = new AtomicLong();
    AtomicLong next = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                for (long n; (n = next.getAndIncrement()) < requests; ) {
                  byte[] body = request(n, spans);
                  while (ingest.tracesJson(body, body.length, "bench").outcome()
                      == IngestResult.Outcome.REFUSED) {
                    refused.incrementAndGet();
                    sleepOneMilli();
                  }
                }
              });
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long dbBytes = storage ? size(dir) : 0;
    engine.close();
    if (store != null) {
      store.close();
    }
    deleteTree(dir);
    double rate = requests / seconds;
    System.out.printf(
        Locale.ROOT,
        "%-9s %d requests x %d spans in %.2f s: %.0f requests/s, %.0f spans/s, %d refused%s%n",
        storage ? "--storage" : "baseline",
        requests,
        spans,
        seconds,
        rate,
        rate * spans,
        refused.get(),
        storage ? String.format(Locale.ROOT, ", database %.1f MiB", dbBytes / 1048576.0) : "");
    return rate;
  }

  /** One request: {@code spans} one-span traces of 10 ms ending now, ids from {@code n}. */
  private static byte[] request(long n, int spans) {
    long end = now();
    StringBuilder b =
        new StringBuilder(
            "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
                + "\"value\":{\"stringValue\":\"backend\"}}]},\"scopeSpans\":[{\"spans\":[");
    for (int i = 0; i < spans; i++) {
      b.append(i == 0 ? "" : ",")
          .append(String.format(Locale.ROOT, "{\"traceId\":\"%016x%016x\"", n + 1, i + 1L))
          .append(",\"spanId\":\"00000000000000a1\",\"name\":\"GET /pay\",\"kind\":2,")
          .append("\"startTimeUnixNano\":\"")
          .append(end - 10_000_000L)
          .append("\",\"endTimeUnixNano\":\"")
          .append(end)
          .append("\"}");
    }
    return b.append("]}]}]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static long now() {
    Instant i = Clock.systemUTC().instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static void sleepOneMilli() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long size(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      long total = 0;
      for (Path p : s.toList()) {
        total += Files.size(p);
      }
      return total;
    }
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }
}
