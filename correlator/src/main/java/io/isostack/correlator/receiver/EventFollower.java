package io.isostack.correlator.receiver;

import io.isostack.codec.ReadSummary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one kernel-event input the way {@code tail -F} does, from its beginning: a regular file
 * is read to its end, then polled every {@value #POLL_MILLIS} ms for appended lines, and reopened
 * from its start when it is truncated or replaced (rotation); a FIFO is held open across its
 * writers, one after another (so a line one writer leaves unfinished is continued by the next);
 * standard input is read once to its end. A file that does not exist yet is waited for.
 *
 * <p>Events go to the {@link EventBatchSink} in batches, flushed whenever the input has nothing
 * more to read. Runs on its own daemon thread ({@link #start()}); {@link #close()} stops it, also
 * while it waits for a FIFO's next writer. With {@link FollowOffsets} ({@code serve --storage}), a
 * regular file is resumed where the last run left it, when it is still the same file.
 */
public final class EventFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventFollower.class);
  private static final int POLL_MILLIS = 50;
  private static final int MAX_BATCH = 512;

  private final Path path;
  private final String source;
  private final EventStreamDecoder decoder;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile FileChannel channel;
  private volatile FollowOffsets offsets;
  private long savedOffset = -1;

  /**
   * Creates a follower; {@link #start()} starts it.
   *
   * @param path the file or FIFO, or null for standard input
   * @param input the format of the lines and the reader settings
   * @param rejects counts rejected and skipped records
   * @param sink receives the batches
   */
  public EventFollower(Path path, EventInput input, RejectTally rejects, EventBatchSink sink) {
    this.path = path;
    this.source = path == null ? "stdin" : path.toString();
    this.decoder =
        new EventStreamDecoder(
            Objects.requireNonNull(input, "input"), source, rejects, rejects, sink, MAX_BATCH);
    this.thread = new Thread(this::run, "events " + source);
    thread.setDaemon(true);
  }

  /**
   * Resumes a regular file at the offset saved in {@code offsets}, and saves there how far it has
   * handed the file on (call before {@link #start()}).
   */
  public void resumeWith(FollowOffsets offsets) {
    this.offsets = Objects.requireNonNull(offsets, "offsets");
  }

  /** Starts following. */
  public void start() {
    thread.start();
  }

  /** The input's name. */
  public String source() {
    return source;
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

  /** Stops following and waits briefly for the thread to hand on what it has read. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    FileChannel c = channel;
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        LOG.debug("closing {}", source, e);
      }
    }
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      if (path == null) {
        readStream(System.in);
      } else {
        follow();
      }
      decoder.endOfStream();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      if (t instanceof Error && !(t instanceof AssertionError)) {
        throw (Error) t;
      }
      if (running) {
        LOG.error("following {} failed; no more events are read from it", source, t);
      }
    }
  }

  private void readStream(InputStream in) throws IOException, InterruptedException {
    byte[] buf = new byte[64 * 1024];
    while (running) {
      if (in.available() == 0) {
        decoder.flush();
      }
      int n = in.read(buf);
      if (n < 0) {
        return;
      }
      decoder.feed(buf, 0, n);
    }
  }

  private void follow() throws IOException, InterruptedException {
    boolean warned = false;
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    while (running) {
      FileChannel ch;
      Object key;
      boolean regular;
      try {
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
        regular = attrs.isRegularFile();
        key = attrs.fileKey();
        // A FIFO is opened read-write (Linux fifo(7)): the open does not wait for a writer, and
        // the follower, holding a write end itself, never sees end-of-stream between two writers,
        // so a writer that opens while it would be reopening never gets a broken pipe.
        ch =
            regular
                ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (NoSuchFileException e) {
        if (!warned) {
          LOG.info("{} does not exist yet; waiting for it", source);
          warned = true;
        }
        Thread.sleep(POLL_MILLIS * 4L);
        continue;
      }
      channel = ch;
      FollowOffsets saved = offsets;
      if (regular && saved != null) {
        long at = saved.resumeAt(source, String.valueOf(key), ch.size());
        if (at > 0) {
          LOG.info("{}: resuming at byte {}, where the last run left it", source, at);
          ch.position(at);
        }
        savedOffset = at;
      }
      try (ch) {
        LOG.debug("following {} ({})", source, regular ? "file" : "stream");
        readChannel(ch, buf, regular, key);
      } catch (ClosedChannelException e) {
        return; // closed by close()
      } finally {
        channel = null;
      }
      if (!regular) {
        decoder.endOfStream(); // the writer went away; a cut line is a line
      }
    }
  }

  /** Reads until the end of a stream, or, for a regular file, until it is replaced. */
  private void readChannel(FileChannel ch, ByteBuffer buf, boolean regular, Object key)
      throws IOException, InterruptedException {
    while (running) {
      if (!regular) {
        decoder.flush(); // a FIFO read may block: hand on what one read brought first
      }
      buf.clear();
      int n = ch.read(buf);
      if (n > 0) {
        decoder.feed(buf.array(), 0, n);
        continue;
      }
      if (n < 0 && !regular) {
        return;
      }
      decoder.flush();
      if (regular) {
        save(key, ch.position() - decoder.partialLineBytes());
        if (ch.size() < ch.position()) {
          LOG.info("{} was truncated; reading it again from its start", source);
          ch.position(0);
          continue;
        }
        if (replaced(key)) {
          LOG.info("{} was replaced (rotated); reading the new file", source);
          while ((n = readOnce(ch, buf)) > 0) {
            decoder.feed(buf.array(), 0, n); // the rest of the old file first
          }
          return;
        }
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /** Saves the offset of the first line not handed on, when it moved (follower thread). */
  private void save(Object key, long offset) {
    FollowOffsets saved = offsets;
    if (saved != null && offset != savedOffset && offset >= 0) {
      saved.consumed(source, String.valueOf(key), offset);
      savedOffset = offset;
    }
  }

  private static int readOnce(FileChannel ch, ByteBuffer buf) throws IOException {
    buf.clear();
    return ch.read(buf);
  }

  private boolean replaced(Object key) {
    try {
      Object now = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      return key != null && !key.equals(now);
    } catch (IOException e) {
      return false; // gone for now: keep the old one until a new file appears
    }
  }
}
