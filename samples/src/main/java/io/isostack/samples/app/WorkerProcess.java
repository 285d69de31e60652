package io.isostack.samples.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The backend's worker process ({@code --worker COMMAND}): a long-lived child process, run with
 * {@code sh -c COMMAND}, that does part of every {@code GET /pay} ({@code --worker-mb N}: one line
 * "N" on its stdin, one line back). When it dies (an OOM kill under a memory limit) the request
 * waits {@link #RESTART_BACKOFF_MILLIS}, the worker is started again and the request is retried, up
 * to {@link #ATTEMPTS} times, as a supervisor with a restart back-off does.
 *
 * <p>Thread-safe: requests take turns on the one worker.
 */
final class WorkerProcess {
  static final int ATTEMPTS = 4;
  static final long RESTART_BACKOFF_MILLIS = 300;

  private final String command;
  private final int megabytes;
  private Process process;
  private BufferedReader in;
  private OutputStream out;

  WorkerProcess(String command, int megabytes) {
    this.command = command;
    this.megabytes = megabytes;
  }

  /** One request's share of the work; throws when the worker died {@link #ATTEMPTS} times. */
  synchronized void call() throws IOException {
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        if (process == null || !process.isAlive()) {
          start();
        }
        out.write((megabytes + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply = in.readLine();
        if (reply != null && reply.startsWith("ok")) {
          return;
        }
        last = new IOException("worker ended: " + (reply == null ? "no reply" : reply));
      } catch (IOException e) {
        last = e;
      }
      stop();
      try {
        Thread.sleep(RESTART_BACKOFF_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while restarting the worker", e);
      }
    }
    throw last;
  }

  private void start() throws IOException {
    process =
        new ProcessBuilder(List.of("sh", "-c", command))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    out = process.getOutputStream();
  }

  private void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }
}
