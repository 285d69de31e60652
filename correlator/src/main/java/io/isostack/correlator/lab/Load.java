package io.isostack.correlator.lab;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;

/**
 * The lab's load driver: sends GET requests at a fixed rate and measures, at the client, how long
 * each took to be answered. That latency is how the lab knows a fault slowed the requests without
 * asking the correlator under test.
 *
 * <p>Thread-safe: the HTTP client is shared, each {@link #drive} has its own threads.
 */
public final class Load {
  /** A {@code traceparent} whose flags say "not sampled": the request leaves no spans. */
  private static final String UNSAMPLED = "00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-00";

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /**
   * What one run of requests got.
   *
   * @param sent requests sent
   * @param latenciesNanos client-side latency of each request answered without a server error
   *     (status below 500), nanoseconds, in the order they were sent
   */
  public record Result(int sent, long[] latenciesNanos) {
    /** Copies the latencies. */
    public Result {
      latenciesNanos = latenciesNanos.clone();
    }

    /** Requests answered without a server error. */
    public int answered() {
      return latenciesNanos.length;
    }

    /**
     * A quantile of the answered requests' latencies (nearest rank: the smallest latency at or
     * above which a share {@code q} of them lie), nanoseconds; 0 when none was answered.
     *
     * @param q the quantile, in (0, 1]: 0.5 the median, 0.9 the 90th percentile
     * @throws IllegalArgumentException if {@code q} is outside (0, 1]
     */
    public long quantileNanos(double q) {
      if (!(q > 0 && q <= 1)) {
        throw new IllegalArgumentException("q must be in (0, 1]: " + q);
      }
      if (latenciesNanos.length == 0) {
        return 0;
      }
      long[] sorted = latenciesNanos.clone();
      Arrays.sort(sorted);
      return sorted[(int) Math.ceil(q * sorted.length) - 1];
    }

    /** How many answered requests took at least {@code nanos}. */
    public int atLeast(long nanos) {
      int n = 0;
      for (long l : latenciesNanos) {
        if (l >= nanos) {
          n++;
        }
      }
      return n;
    }
  }

  /**
   * Sends GET requests at a fixed rate, at most {@code maxInFlight} at once, each with a 30 s
   * timeout, and waits for their answers.
   *
   * @param url what to GET
   * @param rps requests per second, > 0
   * @param duration how long to send, the answers of the last ones are waited for after it
   * @param sampled false for warm-up requests whose {@code traceparent} says "not sampled"
   * @param maxInFlight the most requests open at once, > 0
   * @param tick called about once a second with the number of requests sent so far
   * @return the requests' latencies
   * @throws InterruptedException if interrupted; requests still open are abandoned
   */
  public Result drive(
      URI url, double rps, Duration duration, boolean sampled, int maxInFlight, IntConsumer tick)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(maxInFlight);
    try {
      List<Future<Long>> sent = new ArrayList<>();
      long interval = (long) (1e9 / rps);
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long lastTick = start;
      for (long next = start; next < end; next += interval) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        sent.add(pool.submit(() -> get(url, sampled)));
        if (System.nanoTime() - lastTick > 1_000_000_000L) {
          tick.accept(sent.size());
          lastTick = System.nanoTime();
        }
      }
      long[] latencies = new long[sent.size()];
      int answered = 0;
      for (Future<Long> f : sent) {
        try {
          long l = f.get(60, TimeUnit.SECONDS);
          if (l >= 0) {
            latencies[answered++] = l;
          }
        } catch (ExecutionException | TimeoutException e) {
          // not answered
        }
      }
      return new Result(sent.size(), Arrays.copyOf(latencies, answered));
    } finally {
      pool.shutdownNow();
    }
  }

  /** The latency of one GET in nanoseconds, or -1 when it failed or got a server error. */
  private long get(URI url, boolean sampled) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET();
    if (!sampled) {
      b.header("traceparent", UNSAMPLED);
    }
    long start = System.nanoTime();
    try {
      int status = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      return status < 500 ? System.nanoTime() - start : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
