package io.isostack.samples.app;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A bounded open-loop load driver: one {@code GET} every {@code 1/rps} seconds for {@code
 * duration}, at most {@code maxInFlight} outstanding (a tick that finds all slots taken is skipped
 * and counted), then waits at most 30 s for the stragglers. Optionally preceded by unsampled
 * warm-up requests (see {@code warmUp}); the line {@code start epoch_ms=...} marks the start of the
 * timed run.
 *
 * <p>Prints one line per request: {@code start_epoch_ms=... status=... latency_ms=...}, then a
 * summary line. Uninstrumented: the frontend's SERVER span is the trace root.
 */
final class LoadDriver {

  private final URI url;
  private final double rps;
  private final Duration duration;
  private final int maxInFlight;
  private final int warmupRequests;
  private final PrintStream out;

  LoadDriver(
      URI url,
      double rps,
      Duration duration,
      int maxInFlight,
      int warmupRequests,
      PrintStream out) {
    if (rps <= 0 || rps > 1000) {
      throw new IllegalArgumentException("--rps must be in (0, 1000]: " + rps);
    }
    if (duration.isNegative() || duration.toSeconds() > 3600) {
      throw new IllegalArgumentException("--duration must be in [0, 3600] s: " + duration);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("--max-in-flight must be >= 1: " + maxInFlight);
    }
    this.url = url;
    this.rps = rps;
    this.duration = duration;
    if (warmupRequests < 0 || warmupRequests > 10_000) {
      throw new IllegalArgumentException("--warmup must be in [0, 10000]: " + warmupRequests);
    }
    this.maxInFlight = maxInFlight;
    this.warmupRequests = warmupRequests;
    this.out = out;
  }

  /** Runs the load and returns when every request has finished or timed out. */
  void run() throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    warmUp(client);
    synchronized (out) {
      out.printf("start epoch_ms=%d%n", System.currentTimeMillis());
      out.flush();
    }
    Semaphore slots = new Semaphore(maxInFlight);
    long periodNanos = (long) (1e9 / rps);
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    int sent = 0;
    int skipped = 0;
    for (long next = start; next < end; next += periodNanos) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      if (!slots.tryAcquire()) {
        skipped++;
        continue;
      }
      sent++;
      long epochMs = System.currentTimeMillis();
      long t0 = System.nanoTime();
      HttpRequest request =
          HttpRequest.newBuilder(url).GET().timeout(Duration.ofSeconds(30)).build();
      CompletableFuture<HttpResponse<String>> f =
          client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
      f.whenComplete(
          (r, e) -> {
            slots.release();
            String status =
                e != null ? "error:" + e.getClass().getSimpleName() : "" + r.statusCode();
            synchronized (out) {
              out.printf(
                  "start_epoch_ms=%d status=%s latency_ms=%.1f%n",
                  epochMs, status, (System.nanoTime() - t0) / 1e6);
            }
          });
    }
    boolean drained = slots.tryAcquire(maxInFlight, 30, TimeUnit.SECONDS);
    synchronized (out) {
      out.printf("summary sent=%d skipped=%d drained=%b%n", sent, skipped, drained);
    }
  }

  /**
   * Sends {@code warmupRequests} requests, {@code maxInFlight} at a time, carrying a W3C {@code
   * traceparent} with the sampled flag off: the services run their code paths (JIT, connection
   * pools) but record no spans, because the SDK's default sampler follows the parent's decision.
   */
  private void warmUp(HttpClient client) throws InterruptedException {
    if (warmupRequests == 0) {
      return;
    }
    SplittableRandom random = new SplittableRandom();
    int ok = 0;
    for (int sent = 0; sent < warmupRequests; ) {
      List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
      for (int i = 0; i < maxInFlight && sent < warmupRequests; i++, sent++) {
        String traceparent =
            String.format(
                "00-%016x%016x-%016x-00",
                random.nextLong() | 1L, random.nextLong(), random.nextLong() | 1L);
        HttpRequest request =
            HttpRequest.newBuilder(url)
                .GET()
                .header("traceparent", traceparent)
                .timeout(Duration.ofSeconds(30))
                .build();
        batch.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : batch) {
        try {
          ok += f.get().statusCode() == 200 ? 1 : 0;
        } catch (ExecutionException e) {
          // counted as not ok
        }
      }
    }
    synchronized (out) {
      out.printf("warmup sent=%d ok=%d (unsampled traceparent, no spans)%n", warmupRequests, ok);
    }
  }
}
