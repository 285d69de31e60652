package io.isostack.correlator.receiver;

import io.isostack.codec.ReadSummary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one kernel-event producer ({@code --producer "bpftrace -q -f json sched.bt node-1"}) with
 * {@code /bin/sh -c}, reads its standard output in its {@link EventInput}'s format (by default the
 * canonical event stream, bare or bpftrace-wrapped lines) and logs its standard error at debug
 * level (bpftrace warns about RLIMIT_MEMLOCK there). Its exit is logged and counted; it is not
 * restarted.
 *
 * <p>{@link #close()} sends SIGTERM to it and its descendants, waits up to {@value #STOP_MILLIS}
 * ms, then kills them. Thread-safe.
 */
public final class EventProducer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventProducer.class);
  private static final int STOP_MILLIS = 2000;
  private static final int MAX_BATCH = 512;

  private final String command;
  private final EventStreamDecoder decoder;
  private Process process;
  private Thread stdout;
  private volatile boolean stopping;
  private volatile Integer exitStatus;

  /**
   * Creates a producer; {@link #start()} runs it.
   *
   * @param command the shell command
   * @param input the format of its output and the reader settings
   * @param rejects counts rejected and skipped records
   * @param sink receives the batches
   */
  public EventProducer(String command, EventInput input, RejectTally rejects, EventBatchSink sink) {
    this.command = Objects.requireNonNull(command, "command");
    this.decoder =
        new EventStreamDecoder(
            input, "producer '" + command + "'", rejects, rejects, sink, MAX_BATCH);
  }

  /**
   * Starts the command.
   *
   * @throws IOException if it cannot be started
   */
  public synchronized void start() throws IOException {
    process = new ProcessBuilder("/bin/sh", "-c", command).start();
    process.getOutputStream().close();
    stdout = daemon(this::readStdout, "producer stdout");
    daemon(this::readStderr, "producer stderr");
    process
        .onExit()
        .thenAccept(
            p -> {
              exitStatus = p.exitValue();
              if (stopping) {
                LOG.debug("producer '{}' stopped (status {})", command, p.exitValue());
              } else {
                LOG.warn("producer '{}' exited with status {}", command, p.exitValue());
              }
            });
    LOG.info("producer '{}' started (pid {})", command, process.pid());
  }

  /** The command. */
  public String command() {
    return command;
  }

  /** The exit status, or null while it runs (or before it started). */
  public Integer exitStatus() {
    return exitStatus;
  }

  /** Lines read from its standard output so far. */
  public long lines() {
    return decoder.lines();
  }

  /**
   * What was read so far: {@code lines}, {@code records} (events handed to the sink, including
   * {@code producer.lost} ones), {@code rejected}, and {@code lost} (events the producer reported
   * lost with bpftrace's {@code lost_events}). Thread-safe; lags reading by at most one batch.
   */
  public ReadSummary counts() {
    return decoder.counts();
  }

  /** Bytes read so far. Thread-safe. */
  public long bytesRead() {
    return decoder.bytes();
  }

  /** Stops the producer (SIGTERM, then SIGKILL) and waits briefly for its last lines. */
  @Override
  public synchronized void close() {
    stopping = true;
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(STOP_MILLIS, TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(STOP_MILLIS, TimeUnit.MILLISECONDS);
      }
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      stdout.join(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void readStdout() {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = process.getInputStream()) {
      while (true) {
        if (in.available() == 0) {
          decoder.flush();
        }
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        decoder.feed(buf, 0, n);
      }
      decoder.endOfStream();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      if (!stopping) {
        LOG.warn("reading producer '{}' failed", command, e);
      }
    }
  }

  private void readStderr() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        LOG.debug("producer '{}': {}", command, line);
      }
    } catch (IOException e) {
      LOG.debug("reading producer '{}' stderr failed", command, e);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
