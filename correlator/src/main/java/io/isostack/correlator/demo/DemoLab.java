package io.isostack.correlator.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The workshop's lab: runs commands and processes, creates what a fault needs, drives load, and
 * undoes everything it created in reverse order when closed, also after a failure or Ctrl-C.
 *
 * <p>Servers it starts listen on loopback or on addresses of a network namespace it created. Not
 * thread-safe, except {@link #close()}, which may run from a shutdown hook.
 */
public final class DemoLab implements AutoCloseable {
  /** An undo step. */
  @FunctionalInterface
  public interface Undo {
    /** Undoes one thing. */
    void run() throws Exception;
  }

  private final Deque<Undo> undo = new ArrayDeque<>();
  private final Path logs;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /**
   * Creates a lab whose processes log into a new temporary directory.
   *
   * @throws IOException if the directory cannot be created
   */
  public DemoLab() throws IOException {
    this.logs = Files.createTempDirectory("correlator-demo-");
  }

  /** Where the processes' logs are. */
  public Path logs() {
    return logs;
  }

  /** Registers an undo step; they run last-first at {@link #close()}. */
  public synchronized void onClose(Undo step) {
    undo.push(step);
  }

  /**
   * Runs a command to completion.
   *
   * @return its output
   * @throws IOException if it cannot run or exits non-zero (the message has its output)
   */
  public static String sh(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.strip());
    }
    return out;
  }

  /** Runs a command and ignores how it ends (for undo steps). */
  public static void quietly(String... command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      // nothing to undo
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts a process logging to {@code <logs>/<name>.log}; it is stopped at close. */
  public Process start(String name, List<String> command) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve(name + ".log").toFile())
            .start();
    onClose(() -> stop(p));
    return p;
  }

  private static void stop(Process p) throws InterruptedException {
    if (p.isAlive()) {
      p.destroy();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Waits until something holds; false after the timeout. */
  public static boolean await(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** Whether something listens on the address and port. */
  public static boolean listening(String address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Sends GET requests at a fixed rate, at most {@code maxInFlight} at once.
   *
   * @param sampled false for warm-up requests whose {@code traceparent} says "not sampled"
   * @param tick called about once a second with the requests sent so far
   * @return how many were answered without a server error
   */
  public int drive(
      URI url,
      double rps,
      Duration duration,
      boolean sampled,
      int maxInFlight,
      java.util.function.IntConsumer tick)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(maxInFlight);
    try {
      List<Future<Boolean>> sent = new ArrayList<>();
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
      int ok = 0;
      for (Future<Boolean> f : sent) {
        try {
          ok += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
        } catch (java.util.concurrent.ExecutionException
            | java.util.concurrent.TimeoutException e) {
          // counted as not answered
        }
      }
      return ok;
    } finally {
      pool.shutdownNow();
    }
  }

  private boolean get(URI url, boolean sampled) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET();
    if (!sampled) {
      b.header("traceparent", "00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-00");
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode() < 500;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Deletes a directory and everything under it (the fault's files can be large). */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Undoes everything, last first; reports the first failure after trying every step. */
  @Override
  public synchronized void close() throws IOException {
    Exception first = null;
    while (!undo.isEmpty()) {
      try {
        undo.pop().run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        first = first == null ? e : first;
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw new IOException("undoing the demo: " + first.getMessage(), first);
    }
  }
}
