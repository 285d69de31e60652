package io.isostack.correlator.receiver;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.KernelEventReader;
import io.isostack.codec.ReadSummary;
import io.isostack.codec.RejectListener;
import io.isostack.codec.Rejection;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Reads a large canonical kernel-event file (docs/EVENTS.md) on several threads: the file is cut
 * into chunks at line boundaries, each chunk is decoded by its own {@link KernelEventReader}, and
 * the chunks' events and rejections are handed on in file order on the calling thread, so that the
 * consumer sees exactly what one reader reading the whole file would have given it.
 *
 * <p>{@link #start} hands the head of the file (where {@code clock.sync} records come first) and
 * the chunks after it to the threads at once, so that decoding may run while the caller does other
 * work (reading the spans); the chunks after the head start from a {@link ClockConverter#copy} of
 * the head's offsets, later ones from the offsets known when they are handed to a thread. {@link
 * Decoding#finish} then hands the results on. When its turn comes, a chunk whose starting offsets,
 * {@code lost_events} dating or default host turn out not to be those one reader would have had at
 * that line (a {@code clock.sync} in an earlier chunk changed an offset; the caller's default host
 * was not yet known at {@link #start} and a record carries no {@code host.name}) is decoded again,
 * on the calling thread, from the true state: the result never depends on the threads. At most
 * {@code 2 × threads} decoded chunks are held in memory, 64 MiB of chunks (at most {@code 16 ×
 * threads}, at least {@code 2 × threads}) while {@link #start}'s chunks wait for {@link
 * Decoding#finish}, and 32 MiB more after {@link Decoding#ahead}.
 *
 * <p>Not thread-safe: one read at a time.
 */
final class ChunkedEventReader {
  /** What {@link #lineStart} reads at a time: a few lines (a 64 KiB buffer per call added 2 %). */
  private static final int SCAN_BYTES = 4 * 1024;

  /**
   * The bytes of chunks {@link #start} hands to the threads: what two threads decode while the
   * spans of 20 000 traces are read (1 M events: 1.72 s with 32 MiB, 1.62 s with 64, no faster with
   * 128; benchmarks/README.md, fifth session), and no more, as the decoded events wait in memory.
   */
  private static final long STARTED_BYTES = 64L * 1024 * 1024;

  /** The most chunks {@link #start} hands to the threads, per thread. */
  private static final int STARTED_PER_THREAD = 16;

  /**
   * The bytes of chunks {@link Decoding#ahead} adds: what two threads decode while the caller runs
   * the horizontal step of 20 000 traces (about 0.17 s; benchmarks/README.md, fourth session).
   */
  private static final long AHEAD_BYTES = 32L * 1024 * 1024;

  /** Chunks kept in flight by {@link Decoding#finish}, per thread. */
  private static final int IN_FLIGHT_PER_THREAD = 2;

  private final int threads;
  private final long chunkBytes;

  /**
   * Creates a reader.
   *
   * @param threads decoding threads, at least 1
   * @param chunkBytes the nominal size of a chunk, in bytes, at least 1; the head is as long
   * @throws IllegalArgumentException if an argument is out of range
   */
  ChunkedEventReader(int threads, long chunkBytes) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads: must be at least 1: " + threads);
    }
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("chunkBytes: must be at least 1: " + chunkBytes);
    }
    this.threads = threads;
    this.chunkBytes = chunkBytes;
  }

  /**
   * Reads the whole file: {@link #start} and {@link Decoding#finish}.
   *
   * @param file the file
   * @param source its name in rejections
   * @param clocks the shared clock offsets; updated with the file's {@code clock.sync} records as
   *     one reader would
   * @param defaultHost the host of events without {@code host.name}
   * @param out receives every event, in file order, on the calling thread
   * @param rejects receives every rejection, in file order, on the calling thread
   * @param progress hears the bytes handed on so far
   * @return the file's counts
   * @throws IOException if reading the file fails
   */
  ReadSummary read(
      Path file,
      String source,
      ClockConverter clocks,
      String defaultHost,
      Consumer<KernelEvent> out,
      RejectListener rejects,
      LongConsumer progress)
      throws IOException {
    try (Decoding d = start(file, source, clocks, defaultHost)) {
      return d.finish(clocks, defaultHost, out, rejects, progress);
    }
  }

  /**
   * Starts decoding the head of the file and the chunks after it on the threads; nothing is handed
   * on until {@link Decoding#finish}.
   *
   * @param file the file
   * @param source its name in rejections
   * @param clocks the clock offsets as they are now (copied; not changed)
   * @param guessedHost the default host to decode with; {@link Decoding#finish} decodes again the
   *     chunks that turn out to need another one
   * @return the decoding, to be finished or closed
   * @throws IOException if the file cannot be opened or read
   */
  Decoding start(Path file, String source, ClockConverter clocks, String guessedHost)
      throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(guessedHost, "guessedHost");
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "correlator-decode");
              t.setDaemon(true);
              return t;
            });
    Decoding d = new Decoding(ch, pool, source);
    try {
      long headEnd = lineStart(ch, Math.min(chunkBytes, d.size), d.size);
      ClockConverter before = clocks.copy();
      d.head = pool.submit(() -> decode(ch, d.size, 0, headEnd, before, source, guessedHost));
      d.inFlight.add(d.head);
      d.next = headEnd;
      d.submitAfterHead(startedChunks(STARTED_BYTES), guessedHost);
    } catch (IOException | RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  /** How many chunks make {@code bytes}, within the per-thread bounds. */
  private long startedChunks(long bytes) {
    return Math.max(
        IN_FLIGHT_PER_THREAD * threads,
        Math.min(bytes / chunkBytes, (long) STARTED_PER_THREAD * threads));
  }

  /** A file being decoded, from {@link #start}: finish it, then close it. */
  final class Decoding implements AutoCloseable {
    private final FileChannel ch;
    private final ExecutorService pool;
    private final String source;
    private final long size;
    private final ArrayDeque<Future<Chunk>> inFlight = new ArrayDeque<>();
    private Future<Chunk> head;
    private long next;
    private boolean finishing;

    private Decoding(FileChannel ch, ExecutorService pool, String source) throws IOException {
      this.ch = ch;
      this.pool = pool;
      this.source = source;
      this.size = ch.size();
    }

    /**
     * Hands more chunks to the threads before {@link #finish}, for the time the caller still needs
     * (the horizontal step): 32 MiB more ({@code AHEAD_BYTES}), decoded like {@link #start}'s from
     * the head's offsets. Does nothing once {@link #finish} has begun.
     *
     * @param defaultHost the default host to decode with, now that the spans may have told it;
     *     {@link #finish} decodes again the chunks that turn out to need another one
     */
    void ahead(String defaultHost) {
      Objects.requireNonNull(defaultHost, "defaultHost");
      if (!finishing) {
        submitAfterHead(inFlight.size() + startedChunks(AHEAD_BYTES), defaultHost);
      }
    }

    /** Submits chunks after the head, starting from its end offsets, up to {@code limit}. */
    private void submitAfterHead(long limit, String defaultHost) {
      Future<Chunk> first = head;
      while (next < size && inFlight.size() < limit) {
        long from = next;
        long to = Math.min(size, from + chunkBytes);
        inFlight.add(
            pool.submit(
                () -> decode(ch, size, from, to, await(first).endClocks, source, defaultHost)));
        next = to;
      }
    }

    /**
     * Hands on the whole file's events and rejections, in file order, on the calling thread.
     *
     * @param clocks the shared clock offsets; updated with the file's {@code clock.sync} records as
     *     one reader would
     * @param defaultHost the host of events without {@code host.name}
     * @param out receives every event
     * @param rejects receives every rejection
     * @param progress hears the bytes handed on so far
     * @return the file's counts
     * @throws IOException if reading the file fails
     */
    ReadSummary finish(
        ClockConverter clocks,
        String defaultHost,
        Consumer<KernelEvent> out,
        RejectListener rejects,
        LongConsumer progress)
        throws IOException {
      Objects.requireNonNull(clocks, "clocks");
      finishing = true;
      KernelEventReader.StreamState state = new KernelEventReader.StreamState(source);
      while (next < size || !inFlight.isEmpty()) {
        while (next < size && inFlight.size() < IN_FLIGHT_PER_THREAD * threads) {
          long from = next;
          long to = Math.min(size, from + chunkBytes);
          ClockConverter start = clocks.copy();
          inFlight.add(pool.submit(() -> decode(ch, size, from, to, start, source, defaultHost)));
          next = to;
        }
        Chunk c = await(inFlight.poll());
        long before = state.lines();
        RejectListener shifted = r -> rejects.rejected(shift(r, before));
        if (state.canAppend(c.state)
            && clocks.sameOffsets(c.startClocks)
            && (!c.usedDefaultHost || c.defaultHost.equals(defaultHost))) {
          c.events.forEach(out);
          c.rejections.forEach(shifted::rejected);
          state.append(c.state);
          if (c.endClocks.version() != c.startVersion) {
            clocks.absorb(c.endClocks);
          }
        } else {
          new KernelEventReader(clocks, defaultHost)
              .read(new RangeStream(ch, c.start, c.end), state, out, shifted);
        }
        progress.accept(c.end);
      }
      return state.summary();
    }

    /** Stops the threads (dropping what they decoded and did not hand on) and closes the file. */
    @Override
    public void close() throws IOException {
      pool.shutdownNow();
      ch.close();
    }
  }

  private static Chunk decode(
      FileChannel ch,
      long size,
      long from,
      long to,
      ClockConverter start,
      String source,
      String defaultHost)
      throws IOException {
    long s = lineStart(ch, from, size);
    long e = lineStart(ch, to, size);
    ClockConverter clocks = start.copy();
    long version = clocks.version();
    KernelEventReader.StreamState state = new KernelEventReader.StreamState(source);
    // Sized for the chunk (canonical lines are 100-400 bytes): growing from 10 copied 2 % of what
    // an analyze allocates.
    List<KernelEvent> events = new ArrayList<>((int) Math.min(1 << 20, (e - s) / 128 + 16));
    List<Rejection> rejections = new ArrayList<>();
    boolean usedDefaultHost = false;
    if (s < e) {
      KernelEventReader reader = new KernelEventReader(clocks, defaultHost);
      reader.read(new RangeStream(ch, s, e), state, events::add, rejections::add);
      usedDefaultHost = reader.usedDefaultHost();
    }
    return new Chunk(
        s, e, start, clocks, version, defaultHost, usedDefaultHost, state, events, rejections);
  }

  private static Chunk await(Future<Chunk> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while decoding");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("decoding a chunk failed", cause);
    }
  }

  private static Rejection shift(Rejection r, long lines) {
    return r.line() > 0 ? new Rejection(r.source(), r.line() + lines, r.reason(), r.message()) : r;
  }

  /**
   * The first line start at or after {@code at}: {@code at} itself when it is 0, the end, or just
   * after a {@code \n}; otherwise just after the next {@code \n} (or the end).
   */
  static long lineStart(FileChannel ch, long at, long size) throws IOException {
    if (at <= 0 || at >= size) {
      return Math.max(0, Math.min(at, size));
    }
    ByteBuffer buf = ByteBuffer.allocate(SCAN_BYTES);
    long pos = at - 1;
    while (pos < size) {
      buf.clear();
      int n = ch.read(buf, pos);
      if (n <= 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        if (buf.get(i) == '\n') {
          return pos + i + 1;
        }
      }
      pos += n;
    }
    return size;
  }

  /**
   * One decoded chunk: its byte range, its clocks before and after, the default host it was decoded
   * with and whether it used it, what it gave.
   */
  private record Chunk(
      long start,
      long end,
      ClockConverter startClocks,
      ClockConverter endClocks,
      long startVersion,
      String defaultHost,
      boolean usedDefaultHost,
      KernelEventReader.StreamState state,
      List<KernelEvent> events,
      List<Rejection> rejections) {}

  /** The bytes {@code [pos, end)} of a file, read with positional reads (thread-safe). */
  private static final class RangeStream extends InputStream {
    private final FileChannel ch;
    private long pos;
    private final long end;

    RangeStream(FileChannel ch, long pos, long end) {
      this.ch = ch;
      this.pos = pos;
      this.end = end;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (pos >= end) {
        return -1;
      }
      int n = (int) Math.min(len, end - pos);
      ByteBuffer buf = ByteBuffer.wrap(b, off, n);
      int total = 0;
      while (buf.hasRemaining()) {
        int r = ch.read(buf, pos + total);
        if (r < 0) {
          break;
        }
        total += r;
      }
      if (total == 0) {
        pos = end;
        return -1;
      }
      pos += total;
      return total;
    }
  }
}
