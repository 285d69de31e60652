package io.isostack.correlator.receiver;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Collecting a producer process's output while it runs, for the kernel tests. */
final class ProcessOutput {
  private ProcessOutput() {}

  /** Copies a stream into a buffer on a daemon thread until the stream ends. */
  static ByteArrayOutputStream drain(InputStream in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try {
                for (int n; (n = in.read(buf)) > 0; ) {
                  synchronized (out) {
                    out.write(buf, 0, n);
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    t.setDaemon(true);
    t.start();
    return out;
  }

  /** What was collected so far, as text. */
  static String text(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /** What was collected so far, to read again. */
  static InputStream in(ByteArrayOutputStream out) {
    synchronized (out) {
      return new ByteArrayInputStream(out.toByteArray());
    }
  }
}
