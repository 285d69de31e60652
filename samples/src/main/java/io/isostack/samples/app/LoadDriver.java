package io.isostack.samples.app;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A bounded open-loop load driver: one {@code GET} every {@code 1/rps} seconds for {@code
 * duration}, at most {@code maxInFlight} outstanding (a tick that finds all slots taken is skipped
 * and counted), then waits at most 30 s for the stragglers.
 *
 * <p>Prints one line per request: {@code start_epoch_ms=... status=... latency_ms=...}, then a
 * summary line. Uninstrumented: the frontend's SERVER span is the trace root.
 */
final class LoadDriver {

  private final URI url;
  private final double rps;
  private final Duration duration;
  private final int maxInFlight;
  private final PrintStream out;

  LoadDriver(URI url, double rps, Duration duration, int maxInFlight, PrintStream out) {
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
    this.maxInFlight = maxInFlight;
    this.out = out;
  }

  /** Runs the load and returns when every request has finished or timed out. */
  void run() throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
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
}
