package io.isostack.samples.app;

import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A fixed amount of real CPU work: SHA-256 over a 1 KiB buffer, chained, a fixed number of times.
 *
 * <p>The amount is fixed in iterations, not in time, so CFS throttling stretches the wall time of
 * one call while the CPU time stays the same. {@link #DEFAULT_ITERATIONS} takes about 25 ms of one
 * core on the recording machine (2-vCPU VM, OpenJDK 17, after warm-up).
 */
final class CpuWork {

  /** Iterations for about 25 ms of CPU on the recording machine, see {@code calibrate}. */
  static final int DEFAULT_ITERATIONS = 40_000;

  private CpuWork() {}

  /**
   * Hashes {@code iterations} times and returns the last digest's first byte (so the JIT cannot
   * drop the work).
   */
  static int hash(int iterations) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
    byte[] buf = new byte[1024];
    for (int i = 0; i < iterations; i++) {
      sha.update(buf);
      byte[] d = sha.digest();
      System.arraycopy(d, 0, buf, 0, d.length);
    }
    return buf[0];
  }

  /** Prints how long {@link #DEFAULT_ITERATIONS} takes after warm-up, in ms of wall time. */
  static void calibrate(PrintStream out) {
    for (int i = 0; i < 20; i++) {
      hash(DEFAULT_ITERATIONS);
    }
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      hash(DEFAULT_ITERATIONS);
      out.printf(
          "iterations=%d wall_ms=%.1f%n", DEFAULT_ITERATIONS, (System.nanoTime() - t0) / 1e6);
    }
  }
}
