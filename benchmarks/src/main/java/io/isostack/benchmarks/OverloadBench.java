package io.isostack.benchmarks;

import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The overload bench of {@code correlator serve} (issue 10): a server in its own JVM under {@code
 * -Xmx512m}, fed for a fixed time at 1×, 2× and 10× a base rate by the OpenTelemetry Java SDK's
 * OTLP/gRPC span exporter (retries on), then at 1×, 2× and 10× by kernel events over HTTP (a client
 * that honours {@code Retry-After}), one trace that never ends, and distinct-host churn. Each run
 * prints what was sent, acknowledged, refused (and retried by the client), dropped by the client
 * after its retries (never acknowledged), dropped by the server by reason, the server's accounted
 * memory high-water mark, its heap after GC (young collections included) and its live heap (after a
 * full collection every {@code --live-every} seconds, with the accounted bytes at that moment and
 * the largest classes), and whether it passes: every acknowledged record is evaluated or counted by
 * reason, the accounted memory and the live heap stay within the hard limit and the engine stays
 * up.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.isostack.benchmarks.OverloadBench
 * [--rate SPANS_PER_S] [--seconds S] [--heap 512m] [--live-every S] [--only NAME,...]}: 60 s per
 * run and a live-heap sample every 10 s by default ({@code --live-every 0}: none). The base rate is
 * the rate the 1× runs offer; the figures of the runs say what the machine sustained.
 */
public final class OverloadBench {
  private static final int BATCH_SPANS = 500;
  private static final int BATCH_EVENTS = 1000;
  private static final int IN_FLIGHT = 128;

  private OverloadBench() {}

  /**
   * Runs the bench.
   *
   * @param args see the class comment
   * @throws Exception if the server cannot be started
   */
  public static void main(String[] args) throws Exception {
    long rate = 20_000;
    int seconds = 60;
    String heap = "512m";
    int liveEvery = 10;
    List<String> only = List.of();
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--rate" -> rate = Long.parseLong(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--heap" -> heap = args[i + 1];
        case "--live-every" -> liveEvery = Integer.parseInt(args[i + 1]);
        case "--only" -> only = List.of(args[i + 1].split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "OverloadBench: base rate %,d spans/s, %d s per run, server -Xmx%s, live heap every %d s,"
            + " %d CPUs, %s %s%n",
        rate,
        seconds,
        heap,
        liveEvery,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"));
    List<Result> results = new ArrayList<>();
    for (int x : new int[] {1, 2, 10}) {
      String name = "spans-" + x + "x";
      if (only.isEmpty() || only.contains(name)) {
        results.add(spans(name, rate * x, seconds, heap, liveEvery, false));
      }
    }
    for (int x : new int[] {1, 2, 10}) {
      String name = "events-" + x + "x";
      if (only.isEmpty() || only.contains(name)) {
        results.add(events(name, rate * x, seconds, heap, liveEvery, false));
      }
    }
    if (only.isEmpty() || only.contains("endless-trace")) {
      results.add(spans("endless-trace", rate, seconds, heap, liveEvery, true));
    }
    if (only.isEmpty() || only.contains("host-churn")) {
      results.add(events("host-churn", rate * 2, seconds, heap, liveEvery, true));
    }
    System.out.println();
    System.out.println(Result.HEADER);
    boolean pass = true;
    for (Result r : results) {
      System.out.println(r.row());
      pass &= r.pass();
    }
    for (Result r : results) {
      System.out.println(r.name() + " server drops: " + r.dropsText());
    }
    for (Result r : results) {
      System.out.println(r.name() + " live heap at its largest: " + r.liveText());
    }
    System.out.println(pass ? "PASS" : "FAIL");
    System.exit(pass ? 0 : 1);
  }

  /** Spans through the OTel SDK exporter at {@code rate}; {@code endless}: one rootless trace. */
  private static Result spans(
      String name, long rate, int seconds, String heap, int liveEvery, boolean endless)
      throws Exception {
    try (BenchServer server = BenchServer.start(heap)) {
      OtlpGrpcSpanExporter exporter =
          OtlpGrpcSpanExporter.builder()
              .setEndpoint("http://127.0.0.1:" + server.grpcPort())
              .setTimeout(Duration.ofSeconds(10))
              .setRetryPolicy(
                  RetryPolicy.builder()
                      .setMaxAttempts(5)
                      .setInitialBackoff(Duration.ofMillis(500))
                      .setMaxBackoff(Duration.ofSeconds(5))
                      .build())
              .build();
      BenchSpans spans = new BenchSpans(endless);
      AtomicLong acked = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      Semaphore inFlight = new Semaphore(IN_FLIGHT);
      long t0 = System.nanoTime();
      server.watch();
      server.watchLiveSet(liveEvery);
      long sent =
          paced(
              t0,
              rate,
              seconds,
              BATCH_SPANS,
              i -> {
                inFlight.acquire();
                List<SpanData> batch = spans.batch(BATCH_SPANS);
                CompletableResultCode result = exporter.export(batch);
                result.whenComplete(
                    () -> {
                      (result.isSuccess() ? acked : failed).addAndGet(batch.size());
                      inFlight.release();
                    });
                return batch.size();
              });
      long elapsed = System.nanoTime() - t0;
      inFlight.acquire(IN_FLIGHT);
      exporter.shutdown().join(30, TimeUnit.SECONDS);
      return server.finish(name, sent, acked.get(), failed.get(), elapsed, true);
    }
  }

  /** Offers one batch; returns how many items it offered. */
  private interface Batch {
    long offer(long index) throws InterruptedException;
  }

  /**
   * Offers {@code rate * seconds / batchSize} batches, batch {@code i} due at {@code t0 + i *
   * batchSize / rate} seconds, sleeping until each is due; stops early once {@code seconds} have
   * passed since {@code t0} (the generator fell behind: what it could not offer is not sent).
   *
   * @return the items offered
   */
  private static long paced(long t0, long rate, int seconds, int batchSize, Batch batch)
      throws InterruptedException {
    long batches = rate * seconds / batchSize;
    long intervalNanos = 1_000_000_000L * batchSize / rate;
    long sent = 0;
    for (long i = 0; i < batches; i++) {
      long due = t0 + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      if (System.nanoTime() - t0 > seconds * 1_000_000_000L) {
        break;
      }
      sent += batch.offer(i);
    }
    return sent;
  }

  /** Kernel events over HTTP at {@code rate}; {@code churn}: a new host for every 10 events. */
  private static Result events(
      String name, long rate, int seconds, String heap, int liveEvery, boolean churn)
      throws Exception {
    try (BenchServer server = BenchServer.start(heap)) {
      HttpClient http =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .version(HttpClient.Version.HTTP_1_1)
              .build();
      URI uri = URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/kernel-events");
      AtomicLong acked = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      Semaphore inFlight = new Semaphore(8);
      ExecutorService posts = Executors.newFixedThreadPool(8);
      long t0 = System.nanoTime();
      server.watch();
      server.watchLiveSet(liveEvery);
      long sent =
          paced(
              t0,
              rate,
              seconds,
              BATCH_EVENTS,
              i -> {
                inFlight.acquire();
                byte[] body = eventLines(i, churn);
                posts.execute(
                    () -> {
                      try {
                        if (postWithRetries(http, uri, body)) {
                          acked.addAndGet(BATCH_EVENTS);
                        } else {
                          failed.addAndGet(BATCH_EVENTS);
                        }
                      } finally {
                        inFlight.release();
                      }
                    });
                return BATCH_EVENTS;
              });
      long elapsed = System.nanoTime() - t0;
      inFlight.acquire(8);
      posts.shutdown();
      return server.finish(name, sent, acked.get(), failed.get(), elapsed, false);
    }
  }

  /** Posts, honouring 503/429 {@code Retry-After} up to 5 attempts; true when answered 200. */
  private static boolean postWithRetries(HttpClient http, URI uri, byte[] body) {
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return true;
        }
        if (r.statusCode() != 503 && r.statusCode() != 429) {
          return false;
        }
        long after = r.headers().firstValueAsLong("Retry-After").orElse(1);
        Thread.sleep(after * 1000);
      } catch (java.io.IOException e) {
        sleepQuietly(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] eventLines(long batch, boolean churn) {
    StringBuilder b = new StringBuilder(BATCH_EVENTS * 160);
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < BATCH_EVENTS; i++) {
      String host = churn ? "churn-" + batch + "-" + (i / 10) : "node-" + (i % 4);
      int pid = churn ? 1000 + i % 10 : 1000 + i % 200;
      BenchEvents.runqLatency(b, host, now - (BATCH_EVENTS - i) * 1000L, pid);
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
