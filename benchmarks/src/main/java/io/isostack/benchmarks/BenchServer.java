package io.isostack.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code correlator serve} in its own JVM for {@link OverloadBench}: started with a heap limit on
 * ephemeral loopback ports (findings discarded), watched through {@code GET /metrics} every 200 ms
 * (heap, accounted memory, health), its heap after each collection read from its GC log ({@code
 * -Xlog:gc}), its live heap measured every {@code liveEverySeconds} by a full collection ({@link
 * LiveSet}), and stopped with SIGTERM. Not thread-safe, apart from its watcher threads.
 */
final class BenchServer implements AutoCloseable {
  private static final Pattern PORT = Pattern.compile("OTLP/(gRPC|HTTP) listening on [^:]+:(\\d+)");
  private static final Pattern LINE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");

  private final Process process;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final StringBuilder log = new StringBuilder();
  private int grpcPort = -1;
  private int httpPort = -1;
  private volatile boolean watching;
  private volatile double maxHeap;
  private volatile double maxLiveAfterGc;
  private volatile long unhealthy;
  private volatile long unanswered;
  private volatile LiveSet.Sample maxLive;
  private Thread watcher;
  private Thread liveWatcher;

  private static final Pattern GC_AFTER = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  private final Path gcLog;

  private BenchServer(Process process, Path gcLog) {
    this.process = process;
    this.gcLog = gcLog;
  }

  /** The largest heap in use right after a collection (the JVM's GC log), bytes; 0 if none. */
  private long maxHeapAfterGc() {
    long max = 0;
    try {
      for (String line : Files.readAllLines(gcLog)) {
        Matcher m = GC_AFTER.matcher(line);
        if (m.find()) {
          max = Math.max(max, Long.parseLong(m.group(2)) << 20);
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return max;
  }

  static BenchServer start(String heap) throws IOException, InterruptedException {
    return start(heap, List.of(), List.of());
  }

  /**
   * Starts {@code serve} with {@code jvmArgs} before its main class and {@code serveArgs} after the
   * default ones (ephemeral ports, {@code --host node-1}); the system property {@code
   * bench.server.jvmArgs} adds JVM options (separated by spaces) to every server started.
   */
  static BenchServer start(String heap, List<String> jvmArgs, List<String> serveArgs)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path gcLog = Files.createTempFile("overload-bench-gc", ".log");
    gcLog.toFile().deleteOnExit();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-Xlog:gc:file=" + gcLog));
    command.addAll(jvmArgs);
    // e.g. -Dbench.server.jvmArgs=-XX:StartFlightRecording=filename=/tmp/serve-%p.jfr (profiling)
    String extra = System.getProperty("bench.server.jvmArgs", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "io.isostack.correlator.cli.CorrelatorCommand",
            "serve",
            "--otlp-grpc-port",
            "0",
            "--otlp-http-port",
            "0",
            "--host",
            "node-1"));
    command.addAll(serveArgs);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    BenchServer s = new BenchServer(pb.start(), gcLog);
    CountDownLatch ports = new CountDownLatch(2);
    Thread err =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(s.process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  Matcher m = PORT.matcher(line);
                  if (m.find()) {
                    if (m.group(1).equals("gRPC")) {
                      s.grpcPort = Integer.parseInt(m.group(2));
                    } else {
                      s.httpPort = Integer.parseInt(m.group(2));
                    }
                    ports.countDown();
                  } else if (s.log.length() < 20_000) {
                    s.log.append(line).append('\n');
                  }
                }
              } catch (IOException e) {
                // the server is gone
              }
            },
            "bench-server-stderr");
    err.setDaemon(true);
    err.start();
    if (!ports.await(60, TimeUnit.SECONDS)) {
      s.process.destroyForcibly();
      throw new IOException("the server did not start: " + s.log);
    }
    return s;
  }

  /** The server's process id (for its CPU time, {@link ProcessCpu}). */
  long pid() {
    return process.pid();
  }

  /** The sum of a metric's series whose labels contain {@code labelPart}, as scraped now. */
  double metric(String name, String labelPart) throws IOException, InterruptedException {
    return sum(scrape(), name, labelPart);
  }

  int grpcPort() {
    return grpcPort;
  }

  int httpPort() {
    return httpPort;
  }

  /** Starts sampling the server's heap and health. */
  void watch() {
    watching = true;
    watcher =
        new Thread(
            () -> {
              while (watching) {
                try {
                  Map<String, Double> m = scrape();
                  maxHeap = Math.max(maxHeap, sum(m, "jvm_memory_used_bytes", "area=\"heap\""));
                  maxLiveAfterGc =
                      Math.max(maxLiveAfterGc, sum(m, "jvm_gc_live_data_size_bytes", ""));
                  if (health() != 200) {
                    unhealthy++;
                  }
                } catch (IOException e) {
                  unanswered++; // no answer within 5 s: a starved machine, not a 503
                } catch (InterruptedException e) {
                  return;
                }
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  /**
   * Measures the live heap every {@code seconds} (a full collection in the server, so it perturbs
   * the run a little) and keeps the largest; 0 or no {@code jcmd} turns it off.
   */
  void watchLiveSet(int seconds) {
    java.nio.file.Path jcmd = LiveSet.jcmd();
    if (seconds <= 0 || jcmd == null) {
      return;
    }
    liveWatcher =
        new Thread(
            () -> {
              while (watching) {
                try {
                  Thread.sleep(seconds * 1000L);
                  long accounted = (long) sum(scrape(), "correlator_memory_used_bytes", "");
                  LiveSet.Sample s = LiveSet.measure(jcmd, process.pid(), accounted);
                  if (s != null && (maxLive == null || s.liveBytes() > maxLive.liveBytes())) {
                    maxLive = s;
                  }
                } catch (IOException e) {
                  // the server is stopping
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-live-set");
    liveWatcher.setDaemon(true);
    liveWatcher.start();
  }

  /**
   * Waits (up to 60 s) until the server holds no open trace and no queued batch, then reads its
   * counters and stops it.
   */
  Result finish(
      String name, long sent, long acked, long clientFailed, long elapsedNanos, boolean spans)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    Map<String, Double> m = scrape();
    while (System.nanoTime() < deadline
        && (sum(m, "correlator_window_traces", "") > 0
            || sum(m, "correlator_memory_used_bytes", "buffer=\"queue\"") > 0)) {
      Thread.sleep(500);
      m = scrape();
    }
    Thread.sleep(1_000); // the last tick's evaluation and stats
    m = scrape();
    int healthz = health();
    watching = false;
    watcher.join(2_000);
    if (liveWatcher != null) {
      liveWatcher.interrupt();
      liveWatcher.join(60_000);
    }
    process.destroy(); // SIGTERM: the server evaluates what it still holds and exits 0
    boolean exited = process.waitFor(60, TimeUnit.SECONDS);
    int exit = exited ? process.exitValue() : -1;
    if (!exited) {
      process.destroyForcibly();
    }
    Map<String, Long> drops = new HashMap<>();
    String signal = spans ? "signal=\"spans\"" : "signal=\"events\"";
    for (Map.Entry<String, Double> e : m.entrySet()) {
      if (e.getKey().startsWith("correlator_records_dropped_total{") && e.getValue() > 0) {
        drops.put(label(e.getKey(), "reason"), e.getValue().longValue());
      }
      if (e.getKey().startsWith("correlator_records_late_total{")
          && e.getKey().contains(signal)
          && e.getValue() > 0) {
        drops.put("late", e.getValue().longValue());
      }
    }
    long received = (long) sum(m, "correlator_records_received_total", signal);
    long evaluated =
        spans
            ? (long) sum(m, "correlator_spans_evaluated_total", "")
            : received - drops.getOrDefault("late", 0L);
    long refusals =
        (long)
            (sum(m, "correlator_memory_refusals_total", "")
                + sum(m, "correlator_batches_refused_total", "")
                - sum(m, "correlator_batches_refused_overload_total", "reason=\"memory\""));
    return new Result(
        name,
        sent,
        elapsedNanos,
        acked,
        refusals,
        clientFailed,
        received,
        evaluated,
        drops,
        (long) sum(m, "correlator_memory_high_water_bytes", ""),
        (long) sum(m, "correlator_memory_limit_bytes", "limit=\"hard\""),
        (long) maxHeap,
        Math.max(maxHeapAfterGc(), (long) maxLiveAfterGc),
        (long) sum(m, "jvm_memory_max_bytes", "area=\"heap\""),
        maxLive,
        unhealthy,
        unanswered,
        healthz,
        exit);
  }

  private int health() throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/healthz"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private Map<String, Double> scrape() throws IOException, InterruptedException {
    String text =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        try {
          out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.valueOf(m.group(3)));
        } catch (NumberFormatException e) {
          // NaN and the like: not a figure
        }
      }
    }
    return out;
  }

  private static double sum(Map<String, Double> m, String name, String labelPart) {
    double total = 0;
    for (Map.Entry<String, Double> e : m.entrySet()) {
      String k = e.getKey();
      if ((k.equals(name) || k.startsWith(name + "{")) && k.contains(labelPart)) {
        total += e.getValue();
      }
    }
    return total;
  }

  private static String label(String key, String label) {
    Matcher m = Pattern.compile(label + "=\"([^\"]*)\"").matcher(key);
    return m.find() ? m.group(1) : key;
  }

  @Override
  public void close() {
    watching = false;
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
