package io.isostack.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The finding delay of a {@code serve} process: how long after its trace completed each finding was
 * published ({@code publishedUnixNano - traceCompletedUnixNano} of {@code GET /api/findings}, both
 * taken by the server's clock: completion is the last span's arrival plus {@code --trace-idle}, as
 * the engine defines it). A thread polls the newest 25 findings every 250 ms (the bench makes far
 * fewer than 100 a second, and each poll renders them on the server, at its CPU's cost) and keeps
 * each finding once, by trace and span id. Thread-safe.
 */
final class FindingDelays implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One finding: when it was published (epoch nanoseconds) and its delay, nanoseconds. */
  private record Delay(long publishedEpochNanos, long delayNanos) {}

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI uri;
  private final Set<String> seen = new HashSet<>();
  private final List<Delay> delays = new ArrayList<>();
  private final Thread poller;
  private volatile boolean running = true;

  FindingDelays(int httpPort) {
    this.uri = URI.create("http://127.0.0.1:" + httpPort + "/api/findings?limit=25");
    poller = new Thread(this::poll, "bench-findings");
    poller.setDaemon(true);
    poller.start();
  }

  private void poll() {
    while (running) {
      try {
        String body =
            http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        for (JsonNode f : JSON.readTree(body)) {
          String key = f.findValue("traceId").asText() + "/" + f.findValue("spanId").asText();
          long published = f.get("publishedUnixNano").asLong();
          long completed = f.get("traceCompletedUnixNano").asLong();
          synchronized (this) {
            if (seen.add(key)) {
              delays.add(new Delay(published, published - completed));
            }
          }
        }
        Thread.sleep(250);
      } catch (IOException e) {
        // the server is busy or gone: the next poll tries again
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The delays of the findings published between the two epoch times, nanoseconds, sorted. */
  synchronized long[] between(long fromEpochNanos, long toEpochNanos) {
    return delays.stream()
        .filter(d -> d.publishedEpochNanos() >= fromEpochNanos)
        .filter(d -> d.publishedEpochNanos() < toEpochNanos)
        .mapToLong(Delay::delayNanos)
        .sorted()
        .toArray();
  }

  /** The {@code q} quantile (0..1, nearest rank) of sorted values, or -1 when there are none. */
  static long quantile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  @Override
  public void close() {
    running = false;
    poller.interrupt();
  }
}
