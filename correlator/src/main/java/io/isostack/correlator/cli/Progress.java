package io.isostack.correlator.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What a long command is doing, on standard error: numbered steps always, and on a terminal a
 * status line redrawn in place (bytes read, requests sent, elapsed time). Thread-safe: findings
 * printed from the engine thread go through {@link #println} so they never tangle with the status
 * line.
 */
final class Progress {
  private static final String CLEAR = "\r\u001b[K";
  private final PrintWriter err;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private boolean statusShown;
  private long lastDraw;

  Progress(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  /** Whether standard input and output are a terminal (a progress line makes sense). */
  static boolean onTerminal() {
    return System.console() != null;
  }

  synchronized void step(int n, int of, String what) {
    clearStatus();
    err.printf(Locale.ROOT, "[%d/%d] %s%n", n, of, what);
    err.flush();
  }

  /** Redraws the status line (terminal only), at most 10 times a second. */
  void status(String text) {
    status(() -> text);
  }

  /**
   * Redraws the status line (terminal only), at most 10 times a second; the text is built only when
   * the line is redrawn (an analyze reports its progress on every read of its inputs: formatting
   * each report cost 29 ms of the main thread's 1.1 s on 1 M events).
   */
  synchronized void status(Supplier<String> text) {
    long now = System.nanoTime();
    if (!terminal || now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    err.printf(Locale.ROOT, "%s      %s  (%.0f s)", CLEAR, text.get(), (now - started) / 1e9);
    err.flush();
    statusShown = true;
  }

  /** Prints a line above the status line. */
  synchronized void println(PrintWriter out, String line) {
    clearStatus();
    out.println(line);
    out.flush();
  }

  /** Removes the status line (terminal only). */
  synchronized void done() {
    clearStatus();
  }

  private void clearStatus() {
    if (statusShown) {
      err.print(CLEAR);
      err.flush();
      statusShown = false;
    }
  }

  /** A byte count for people: {@code 1.2 GiB}. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
