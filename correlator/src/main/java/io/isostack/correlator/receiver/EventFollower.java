package io.isostack.correlator.receiver;

import io.isostack.codec.ReadSummary;
import io.isostack.model.KernelEvent;
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
 * <p>A directory or a glob ({@link FollowedPath}: {@code runsc:DIR/}, {@code DIR/*.log}) is
 * followed by its newest matching file, from its start; once a newer file appears (a producer that
 * writes a new file per start, as gVisor's {@code runsc --debug-log=DIR/} does per sandbox), the
 * rest of the current one is read, its stream ended (a cut last line is a line; a reader's pending
 * state, e.g. the {@code runsc} format's summed windows, is handed on) and the newer file is read
 * from its start with a new stream of the format, so that one file's state (the sandbox's container
 * id) never carries into the next. Its counts add up over every file read.
 *
 * <p>Events go to the {@link EventBatchSink} in batches, flushed whenever the input has nothing
 * more to read. Runs on its own daemon thread ({@link #start()}); {@link #close()} stops it, also
 * while it waits for a FIFO's next writer. With {@link FollowOffsets} ({@code serve --storage}), a
 * regular file is resumed where the last run left it, when it is still the same file: at a
 * checkpoint (a line's start, saved whenever the input has nothing more to read and, while it
 * reads, once per second of event time) before which every event has left the engine's window, so
 * that the events still in the window are read again.
 */
public final class EventFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventFollower.class);
  private static final int POLL_MILLIS = 50;
  private static final int MAX_BATCH = 512;

  private static final long LIST_EVERY_NANOS = 200_000_000L;
  private static final long CHECKPOINT_NANOS = 1_000_000_000L;

  private final FollowedPath path;
  private final String source;
  private final EventInput input;
  private final RejectTally rejects;
  private final EventBatchSink sink;
  private final Thread thread;
  private volatile EventStreamDecoder decoder;
  private ReadSummary countsBefore = new ReadSummary(0, 0, 0, 0); // files read before: guarded
  private long bytesBefore; // guarded by this
  private long listedNanos;
  private volatile boolean running = true;
  private volatile FileChannel channel;
  private volatile FollowOffsets offsets;
  private long savedOffset = -1;
  private long savedSecond = Long.MIN_VALUE;
  private long maxEventEnd = Long.MIN_VALUE; // of the events handed on from this file (its thread)

  /**
   * Creates a follower; {@link #start()} starts it.
   *
   * @param path the file or FIFO, or null for standard input
   * @param input the format of the lines and the reader settings
   * @param rejects counts rejected and skipped records
   * @param sink receives the batches
   */
  public EventFollower(Path path, EventInput input, RejectTally rejects, EventBatchSink sink) {
    this(path == null ? null : FollowedPath.of(path), input, rejects, sink);
  }

  /**
   * Creates a follower of a {@code --events} target; {@link #start()} starts it.
   *
   * @param target {@code -} for standard input, a file or FIFO, or a directory or glob whose newest
   *     file is followed ({@link FollowedPath})
   * @param input the format of the lines and the reader settings
   * @param rejects counts rejected and skipped records
   * @param sink receives the batches
   * @throws IllegalArgumentException if the glob is malformed
   */
  public EventFollower(String target, EventInput input, RejectTally rejects, EventBatchSink sink) {
    this(
        target.equals("-") ? null : FollowedPath.parse(target, input.format().name()),
        input,
        rejects,
        sink);
  }

  private EventFollower(
      FollowedPath path, EventInput input, RejectTally rejects, EventBatchSink sink) {
    this.path = path;
    this.source = path == null ? "stdin" : path.toString();
    this.input = Objects.requireNonNull(input, "input");
    this.rejects = rejects;
    this.sink =
        events -> {
          for (KernelEvent e : events) {
            maxEventEnd = Math.max(maxEventEnd, e.endEpochNanos());
          }
          sink.put(events);
        };
    this.decoder = new EventStreamDecoder(input, source, rejects, rejects, this.sink, MAX_BATCH);
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
   * lost with bpftrace's {@code lost_events}), over every file read of a directory. Thread-safe;
   * lags reading by at most one batch.
   */
  public synchronized ReadSummary counts() {
    return countsBefore.plus(decoder.counts());
  }

  /** Bytes read so far, over every file read of a directory. Thread-safe. */
  public synchronized long bytesRead() {
    return bytesBefore + decoder.bytes();
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
    Path reading = null;
    while (running) {
      FileChannel ch;
      Object key;
      boolean regular;
      Path file = path.current();
      if (file != null && reading != null && !file.equals(reading)) {
        nextFile(file);
      }
      try {
        if (file == null) {
          throw new NoSuchFileException(source);
        }
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        regular = attrs.isRegularFile();
        key = attrs.fileKey();
        // A FIFO is opened read-write (Linux fifo(7)): the open does not wait for a writer, and
        // the follower, holding a write end itself, never sees end-of-stream between two writers,
        // so a writer that opens while it would be reopening never gets a broken pipe.
        ch =
            regular
                ? FileChannel.open(file, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (NoSuchFileException e) {
        if (!warned) {
          LOG.info("{} does not exist yet; waiting for it", source);
          warned = true;
        }
        Thread.sleep(POLL_MILLIS * 4L);
        continue;
      }
      channel = ch;
      reading = file;
      maxEventEnd = Long.MIN_VALUE;
      FollowOffsets saved = offsets;
      if (regular && saved != null) {
        long at = saved.resumeAt(source, String.valueOf(key), ch.size());
        if (at > 0) {
          LOG.info("{}: resuming at byte {}, where the last run left it", source, at);
          ch.position(at);
        }
        savedOffset = at;
        savedSecond = Long.MIN_VALUE;
      }
      try (ch) {
        LOG.debug("following {} ({})", file, regular ? "file" : "stream");
        readChannel(ch, buf, regular, key, file);
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
  private void readChannel(FileChannel ch, ByteBuffer buf, boolean regular, Object key, Path file)
      throws IOException, InterruptedException {
    while (running) {
      if (!regular) {
        decoder.flush(); // a FIFO read may block: hand on what one read brought first
      }
      buf.clear();
      int n = ch.read(buf);
      if (n > 0) {
        decoder.feed(buf.array(), 0, n);
        if (regular && offsets != null) {
          decoder.flush(); // a checkpoint covers only events handed on
          save(key, ch.position() - decoder.partialLineBytes(), false);
        }
        continue;
      }
      if (n < 0 && !regular) {
        return;
      }
      decoder.flush();
      if (regular) {
        save(key, ch.position() - decoder.partialLineBytes(), true);
        if (ch.size() < ch.position()) {
          LOG.info("{} was truncated; reading it again from its start", source);
          ch.position(0);
          maxEventEnd = Long.MIN_VALUE;
          save(key, 0, true); // the checkpoints past the start are another content's
          continue;
        }
        if (path.newest() ? newerFile(file) : replaced(key)) {
          LOG.info("{} was replaced (rotated, or a newer file); reading the new file", file);
          while ((n = readOnce(ch, buf)) > 0) {
            decoder.feed(buf.array(), 0, n); // the rest of the old file first
          }
          return;
        }
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /**
   * Saves a checkpoint at the first line not handed on (follower thread): when the input has
   * nothing more ({@code idle}) and the offset moved, or while reading when the newest event time
   * entered another second.
   */
  private void save(Object key, long offset, boolean idle) {
    FollowOffsets saved = offsets;
    if (saved == null || offset < 0 || offset == savedOffset) {
      return;
    }
    long second = Math.floorDiv(maxEventEnd, CHECKPOINT_NANOS);
    if (idle || second != savedSecond) {
      saved.consumed(source, String.valueOf(key), offset, maxEventEnd);
      savedOffset = offset;
      savedSecond = second;
    }
  }

  private static int readOnce(FileChannel ch, ByteBuffer buf) throws IOException {
    buf.clear();
    return ch.read(buf);
  }

  /**
   * Ends the stream of the file read so far and starts a new one of the same format for {@code
   * file}, adding the old stream's counts to those of the files before.
   */
  private void nextFile(Path file) throws InterruptedException {
    EventStreamDecoder old = decoder;
    old.endOfStream();
    EventStreamDecoder next =
        new EventStreamDecoder(input, file.toString(), rejects, rejects, sink, MAX_BATCH);
    synchronized (this) {
      countsBefore = countsBefore.plus(old.counts());
      bytesBefore += old.bytes();
      decoder = next;
    }
  }

  /** Whether the directory has a newer matching file than {@code file}; lists it every 200 ms. */
  private boolean newerFile(Path file) throws IOException {
    long now = System.nanoTime();
    if (now - listedNanos < LIST_EVERY_NANOS) {
      return false;
    }
    listedNanos = now;
    return FollowedPath.newer(path.current(), file);
  }

  private boolean replaced(Object key) {
    try {
      Object now = Files.readAttributes(path.current(), BasicFileAttributes.class).fileKey();
      return key != null && !key.equals(now);
    } catch (IOException e) {
      return false; // gone for now: keep the old one until a new file appears
    }
  }
}
