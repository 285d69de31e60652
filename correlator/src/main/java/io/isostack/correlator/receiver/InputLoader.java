package io.isostack.correlator.receiver;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.FormatReader;
import io.isostack.codec.FormatReaders;
import io.isostack.codec.InputHead;
import io.isostack.codec.InputSpec;
import io.isostack.codec.LibbpfToolsReader;
import io.isostack.codec.ReadContext;
import io.isostack.codec.ReadSummary;
import io.isostack.codec.RecordStream;
import io.isostack.codec.RejectListener;
import io.isostack.codec.RejectReason;
import io.isostack.codec.Rejection;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads the inputs named on the command line: opens each file (or standard input), un-gzips it when
 * needed, detects its format from the content unless {@code FORMAT:PATH} named it, and streams its
 * records through the matching reader into the analysis.
 *
 * <p>An input that cannot be opened or whose format cannot be told is reported in the {@link
 * InputSummary} and skipped; the others are still read. Not thread-safe.
 */
public final class InputLoader {
  private static final int HEAD_BYTES = InputHead.MAX_BYTES;

  /**
   * The chunk size of {@link ChunkedEventReader} unless {@link #decodeThreads} says otherwise:
   * small enough that the decoded chunks waiting their turn add little to what each young
   * collection copies (at 8 MiB a 10 M-event analyze spent 1.1 s in collections, at 2 MiB 0.7 s).
   */
  public static final long DEFAULT_CHUNK_BYTES = 2L * 1024 * 1024;

  /** The format name of the canonical kernel-event stream, which may be read in chunks. */
  private static final String CANONICAL = "events";

  /** The default host given to trace readers: spans name their host in their resource. */
  private static final String NO_HOST = "unknown";

  private final ClockConverter clocks;
  private final LibbpfToolsReader.Options libbpf;
  private final InputSummary summary;
  private final Consumer<String> errors;
  private final Set<String> clockErrorsReported = new HashSet<>();
  private ReadProgress progress = (source, read, total) -> {};
  private int decodeThreads = 1;
  private long chunkBytes = DEFAULT_CHUNK_BYTES;
  private InputSpec startedSpec;
  private ChunkedEventReader.Decoding started;

  /** Hears how far the reading of an input has come. */
  @FunctionalInterface
  public interface ReadProgress {
    /**
     * Called as an input is read (often: keep it cheap).
     *
     * @param source the input's name
     * @param bytesRead bytes read so far (before decompression)
     * @param totalBytes the input's size, or -1 when unknown (standard input)
     */
    void read(String source, long bytesRead, long totalBytes);
  }

  /**
   * Lets large canonical kernel-event files be decoded on several threads ({@link
   * ChunkedEventReader}); the events reach the consumer in file order on the calling thread, so the
   * result is the one-thread result. Default 1 (one thread).
   *
   * @param threads decoding threads, at least 1
   * @param chunkBytes the chunk size, in bytes; files no larger are read on the calling thread
   * @throws IllegalArgumentException if an argument is below 1
   */
  public void decodeThreads(int threads, long chunkBytes) {
    if (threads < 1 || chunkBytes < 1) {
      throw new IllegalArgumentException(
          "threads/chunkBytes: must be at least 1: " + threads + "/" + chunkBytes);
    }
    this.decodeThreads = threads;
    this.chunkBytes = chunkBytes;
  }

  /** Reports reading progress to a listener (e.g. a terminal's progress line). */
  public void onProgress(ReadProgress listener) {
    this.progress = listener;
  }

  /**
   * Creates a loader.
   *
   * @param clocks clock offsets (user-supplied and from {@code clock.sync} records)
   * @param summary where counts and rejections go
   * @param errors receives one line per input-level problem (for standard error)
   */
  public InputLoader(ClockConverter clocks, InputSummary summary, Consumer<String> errors) {
    this(clocks, LibbpfToolsReader.Options.defaults(Clock.systemUTC()), summary, errors);
  }

  /**
   * Creates a loader with a time anchor for libbpf-tools text, whose timestamps are local {@code
   * HH:MM:SS} without a date or seconds since the tool started.
   *
   * @param clocks clock offsets (user-supplied and from {@code clock.sync} records)
   * @param libbpf the date, zone and start time that anchor libbpf-tools timestamps
   * @param summary where counts and rejections go
   * @param errors receives one line per input-level problem (for standard error)
   */
  public InputLoader(
      ClockConverter clocks,
      LibbpfToolsReader.Options libbpf,
      InputSummary summary,
      Consumer<String> errors) {
    this.clocks = clocks;
    this.libbpf = libbpf;
    this.summary = summary;
    this.errors = errors;
  }

  /**
   * Reads spans from one input.
   *
   * @param spec the input
   * @param out receives each valid span
   */
  public void readTraces(InputSpec spec, Consumer<SpanView> out) {
    read(
        spec,
        true,
        (in, format, source, plainFile) -> {
          ReadSummary s =
              open(FormatReaders.trace(format.name()), source, NO_HOST, out, summary, in);
          summary.spans(source, s.records());
          summary.skipped(s.skipped());
        });
  }

  /**
   * Starts decoding a kernel-event input on the decoding threads ({@link #decodeThreads}) ahead of
   * {@link #readEvents}, so that the decoding runs while the caller reads the spans: a regular,
   * uncompressed canonical file larger than a chunk, when there are several decoding threads;
   * otherwise, or when the file cannot be read, does nothing. The next {@link #readEvents} of the
   * same input hands the decoded events on and gives what it would have given without this; call
   * it, or the threads keep the decoded chunks until the process exits.
   *
   * @param spec the input
   * @param guessedHost the host to decode events without {@code host.name} with; {@link
   *     #readEvents} decodes again the chunks of such events when its default host is another
   */
  public void startEvents(InputSpec spec, String guessedHost) {
    if (started != null || decodeThreads < 2 || spec.isStdin()) {
      return;
    }
    try {
      if (Files.isRegularFile(spec.path())
          && Files.size(spec.path()) > chunkBytes
          && isUncompressedCanonical(spec)) {
        started =
            new ChunkedEventReader(decodeThreads, chunkBytes)
                .start(spec.path(), spec.path().toString(), clocks, guessedHost);
        startedSpec = spec;
      }
    } catch (IOException e) {
      // readEvents opens the input again and reports what fails
    }
  }

  /**
   * Lets the threads of {@link #startEvents} decode further ahead while the caller still works
   * before {@link #readEvents} (the horizontal step), so that no core idles meanwhile; does nothing
   * when nothing was started.
   *
   * @param defaultHost the host to decode events without {@code host.name} with, as {@link
   *     #readEvents} will be given it (if it is another, those chunks are decoded again)
   */
  public void decodeAhead(String defaultHost) {
    if (started != null) {
      started.ahead(defaultHost);
    }
  }

  private boolean isUncompressedCanonical(InputSpec spec) throws IOException {
    try (BufferedInputStream in =
        new BufferedInputStream(Files.newInputStream(spec.path()), HEAD_BYTES)) {
      if (isGzip(in)) {
        return false;
      }
      FormatReader<?> format = spec.format() != null ? spec.format() : detect(in).format();
      return format != null && CANONICAL.equals(format.name());
    }
  }

  /**
   * Reads kernel events from one input.
   *
   * @param spec the input
   * @param defaultHost the host of events without {@code host.name}
   * @param out receives each valid event, time already in the Unix epoch
   */
  public void readEvents(InputSpec spec, String defaultHost, Consumer<KernelEvent> out) {
    read(
        spec,
        false,
        (in, format, source, plainFile) -> {
          ReadSummary s;
          long size = plainFile ? Files.size(spec.path()) : 0;
          if (decodeThreads > 1 && size > chunkBytes && CANONICAL.equals(format.name())) {
            ChunkedEventReader.Decoding decoding =
                spec.equals(startedSpec)
                    ? started
                    : new ChunkedEventReader(decodeThreads, chunkBytes)
                        .start(spec.path(), source, clocks, defaultHost);
            if (decoding == started) {
              started = null;
              startedSpec = null;
            }
            try (decoding) {
              s =
                  decoding.finish(
                      clocks,
                      defaultHost,
                      out,
                      clockAware(source),
                      done -> progress.read(source, done, size));
            }
          } else {
            s =
                open(
                    FormatReaders.event(format.name()),
                    source,
                    defaultHost,
                    out,
                    clockAware(source),
                    in);
          }
          summary.events(source, s.records());
          summary.skipped(s.skipped());
          if (s.lost() > 0) {
            summary.lost(source, s.lost());
          }
        });
  }

  private <T> ReadSummary open(
      FormatReader<T> format,
      String source,
      String defaultHost,
      Consumer<? super T> out,
      RejectListener rejects,
      InputStream in)
      throws IOException {
    ReadContext context = ReadContext.of(clocks, defaultHost, Clock.systemUTC()).withLibbpf(libbpf);
    RecordStream stream = format.open(source, context, out, rejects);
    stream.read(in);
    stream.finish();
    return stream.summary();
  }

  private RejectListener clockAware(String source) {
    return r -> {
      summary.rejected(r);
      if ("missing-clock-sync".equals(r.reason()) && clockErrorsReported.add(source)) {
        errors.accept(describe(r));
      }
    };
  }

  private static String describe(Rejection r) {
    return r.source() + (r.line() > 0 ? ":" + r.line() : "") + ": " + r.message();
  }

  private interface Body {
    /**
     * @param plainFile whether {@code in} is a regular file read as it is (not standard input, not
     *     gzip), which may then be read again by position
     */
    void read(InputStream in, FormatReader<?> format, String source, boolean plainFile)
        throws IOException;
  }

  private void read(InputSpec spec, boolean traces, Body body) {
    String source = spec.isStdin() ? "stdin" : spec.path().toString();
    try (InputStream raw = spec.isStdin() ? System.in : Files.newInputStream(spec.path())) {
      long total = spec.isStdin() ? -1 : Files.size(spec.path());
      BufferedInputStream in = new BufferedInputStream(counting(raw, source, total), HEAD_BYTES);
      InputStream data = in;
      boolean plainFile = !spec.isStdin() && Files.isRegularFile(spec.path());
      if (isGzip(in)) {
        data = new BufferedInputStream(new GZIPInputStream(in), HEAD_BYTES);
        plainFile = false;
      }
      FormatReader<?> format = spec.format();
      if (format == null) {
        FormatReaders.Detected d = detect(data);
        if (d.format() == null) {
          fail(source, d.describe(source));
          return;
        }
        format = d.format();
      }
      boolean isTraces = FormatReaders.trace(format.name()) != null;
      if (isTraces != traces) {
        fail(
            source,
            "this looks like "
                + format.name()
                + " data; pass it with "
                + (isTraces ? "--traces" : "--events"));
        return;
      }
      body.read(data, format, source, plainFile);
    } catch (RuntimeException | StackOverflowError e) {
      // A reader failure nobody foresaw must not lose the run: the records read so far are kept,
      // the failure is a counted rejection naming the input, and the next input is read.
      Rejection r =
          new Rejection(
              source,
              0,
              RejectReason.READER_ERROR,
              ReaderErrors.describe(e) + "; the rest of this input is not read");
      summary.rejected(r);
      errors.accept(describe(r));
    } catch (NoSuchFileException e) {
      fail(source, "no such file");
    } catch (IOException e) {
      fail(source, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private InputStream counting(InputStream raw, String source, long total) {
    return new java.io.FilterInputStream(raw) {
      private long read;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          progress.read(source, ++read, total);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          read += n;
          progress.read(source, read, total);
        }
        return n;
      }
    };
  }

  private void fail(String source, String reason) {
    summary.unreadable(source, reason);
    errors.accept(source + ": " + reason);
  }

  private static boolean isGzip(BufferedInputStream in) throws IOException {
    in.mark(2);
    int a = in.read();
    int b = in.read();
    in.reset();
    return a == 0x1f && b == 0x8b;
  }

  private static FormatReaders.Detected detect(InputStream in) throws IOException {
    in.mark(HEAD_BYTES);
    byte[] head = in.readNBytes(HEAD_BYTES);
    in.reset();
    return FormatReaders.detect(InputHead.of(head, head.length));
  }
}
