package io.isostack.samples.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Optional I/O the backend does on the request path, the way real services do, so that disk and
 * syscall faults reach the request: a synchronous journal ({@code --sync-write-bytes N
 * [--sync-writes K] --write-dir DIR}: K records of N bytes, each committed with {@code fdatasync},
 * as a database's commit log does) and an audit directory per request ({@code --audit-dir DIR}:
 * {@code mkdir}, retried 3 times 100 ms apart when it fails, then given up, as a client library
 * with a retry policy does), and a worker process's share of the work ({@code --worker COMMAND
 * [--worker-mb N]}, {@link WorkerProcess}).
 *
 * <p>Thread-safe.
 */
final class RequestIo {
  private static final int AUDIT_ATTEMPTS = 4;
  private static final long AUDIT_BACKOFF_MILLIS = 100;

  private final int syncWriteBytes;
  private final int syncWrites;
  private final Path writeDir;
  private final Path auditDir;
  private final WorkerProcess worker;
  private final AtomicLong requests = new AtomicLong();

  RequestIo(
      int syncWriteBytes, int syncWrites, Path writeDir, Path auditDir, WorkerProcess worker) {
    this.syncWriteBytes = syncWriteBytes;
    this.syncWrites = syncWrites;
    this.writeDir = writeDir;
    this.auditDir = auditDir;
    this.worker = worker;
  }

  /** Does this request's I/O; failures of the audit are tolerated after the retries. */
  void perform() throws IOException {
    long n = requests.incrementAndGet();
    if (syncWriteBytes > 0 && writeDir != null) {
      journal(n);
    }
    if (auditDir != null) {
      audit(n);
    }
    if (worker != null) {
      worker.call();
    }
  }

  private void journal(long n) throws IOException {
    Path file = writeDir.resolve("journal-" + (n % 8) + ".log");
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      for (int i = 0; i < syncWrites; i++) {
        ByteBuffer buf = ByteBuffer.allocate(syncWriteBytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(false);
      }
    }
  }

  private void audit(long n) {
    Path dir = auditDir.resolve(ProcessHandle.current().pid() + "-" + n);
    for (int attempt = 1; attempt <= AUDIT_ATTEMPTS; attempt++) {
      try {
        Files.createDirectory(dir);
        Files.delete(dir);
        return;
      } catch (IOException e) {
        if (attempt == AUDIT_ATTEMPTS) {
          return;
        }
        try {
          Thread.sleep(AUDIT_BACKOFF_MILLIS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
