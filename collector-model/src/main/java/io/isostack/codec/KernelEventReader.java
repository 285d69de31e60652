package io.isostack.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.base.ParserBase;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import io.isostack.clock.ClockConverter;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads the canonical kernel-event stream, version 1 (docs/EVENTS.md): JSON Lines, each line either
 * a bare canonical object or a bpftrace {@code -f json} record wrapping canonical lines.
 *
 * <p>Per line: blank lines are skipped. A line whose first field is {@code "type"} is a bpftrace
 * record: {@code printf} records carry one or more canonical lines in {@code data} (each is
 * decoded; text that is not a JSON object is rejected as {@code not-canonical}); {@code
 * lost_events} becomes a {@code producer.lost} event whose {@code value} is the number of lost
 * events and whose time is the latest event time seen so far in the same stream (see {@link
 * StreamState}); every other record type ({@code attached_probes}, {@code map}, {@code hist},
 * {@code stats}, {@code time}, {@code syscall}...) is counted as skipped by type ({@code
 * bpftrace-map}...). A line that is not JSON but producer text ({@link ProducerNoise}: bpftrace's
 * {@code Attaching N probes...}, {@code WARNING:} lines) is counted as skipped ({@code
 * producer-text}). Any other line is one canonical object. A canonical {@code producer.lost} event
 * adds its {@code value} to {@link ReadSummary#lost()}, as a {@code lost_events} record does.
 *
 * <p>{@code clock.sync} records update the shared {@link ClockConverter} and are not emitted.
 * Boottime and monotonic times are converted to the Unix epoch; an event whose host has no offset
 * yet is rejected ({@code missing-clock-sync}), so a sync record must come before the first event.
 * {@code time_ns} is the end of {@code [time_ns - dur_ns, time_ns]}, or the start of {@code
 * [time_ns, time_ns + dur_ns]} when {@code attrs.start} is true. Unknown top-level scalar fields
 * are kept in {@code attrs} as text; nested values outside {@code attrs} are ignored. Strings are
 * interned through a small per-reader cache. Bytes that are not valid UTF-8 are replaced by U+FFFD.
 *
 * <p>Bad records are reported to the {@link RejectListener} with a {@link RejectReason} code and
 * the 1-based line number, and reading goes on. Reading is streaming: one line at a time is in
 * memory, at most {@link #MAX_LINE_BYTES} bytes (16 MiB, less on a small heap: {@link SizeLimits})
 * (longer lines are rejected as {@code line-too-long}).
 *
 * <p>Not thread-safe: use one reader per thread. The {@link ClockConverter} may be shared.
 */
public final class KernelEventReader {

  /** The longest line accepted, in bytes. */
  public static final int MAX_LINE_BYTES = SizeLimits.atMost(16 * 1024 * 1024);

  /** The buffer a whole stream is read through, and so the most lines one shared parser takes. */
  private static final int BLOCK_BYTES = 256 * 1024;

  private static final JsonFactory JSON = new JsonFactory();

  private final String defaultHost;
  private final CanonicalEventDecoder decoder;
  private char[] dataChars = new char[1024];
  private int dataLen;
  private String bpfType;
  private long bpfLostEvents;
  private boolean lostUsedDefaultHost;

  /**
   * Creates a reader.
   *
   * @param clocks where {@code clock.sync} records go and where non-realtime times are converted
   * @param defaultHost the {@code host.name} of events that carry none
   * @throws NullPointerException if an argument is null
   */
  public KernelEventReader(ClockConverter clocks, String defaultHost) {
    this.decoder = new CanonicalEventDecoder(Objects.requireNonNull(clocks, "clocks"));
    this.defaultHost = Objects.requireNonNull(defaultHost, "defaultHost");
  }

  /**
   * Whether anything this reader gave so far depends on its default host: an event, a {@code
   * clock.sync} or a rejection of a record without {@code host.name}, or a {@code producer.lost}
   * event. When false, a reader with another default host would have given the same.
   */
  public boolean usedDefaultHost() {
    return lostUsedDefaultHost || decoder.usedDefaultHost();
  }

  /**
   * Reads a whole stream, line by line, until its end. Does not close {@code in}.
   *
   * @param in the bytes
   * @param source the stream's name (file path, {@code stdin}), used in rejections
   * @param out receives each event, in input order (not sorted by time)
   * @param rejects receives each rejected record
   * @return the counts for this stream
   * @throws IOException if reading {@code in} fails (data errors never throw)
   */
  public ReadSummary read(
      InputStream in, String source, Consumer<KernelEvent> out, RejectListener rejects)
      throws IOException {
    StreamState state = new StreamState(source);
    read(in, state, out, rejects);
    return state.summary();
  }

  /**
   * Reads a whole stream into the given state, line by line, until its end. Does not close {@code
   * in}.
   *
   * @param in the bytes
   * @param state the stream's state, fed in order
   * @param out receives each event, in input order (not sorted by time)
   * @param rejects receives each rejected record
   * @throws IOException if reading {@code in} fails (data errors never throw)
   */
  public void read(
      InputStream in, StreamState state, Consumer<KernelEvent> out, RejectListener rejects)
      throws IOException {
    LineSplitter lines = new LineSplitter(BLOCK_BYTES, MAX_LINE_BYTES);
    lines.splitBlocks(
        in,
        new LineSplitter.BlockHandler() {
          @Override
          public long lines(byte[] buf, int off, int len, long lineNo) {
            return decodeLines(buf, off, len, state, lineNo, out, rejects);
          }

          @Override
          public void tooLong(long lineNo, int maxLineBytes) {
            state.tooLong(lineNo, maxLineBytes, rejects);
          }
        });
  }

  /**
   * Decodes a run of whole lines with one streaming parser across them (Jackson's root-value
   * separation) instead of one parser per line; the records, rejections and counts are those of
   * {@link #decodeLine} on each line in turn. A line the shared parser cannot take as it stands
   * (not starting with an object, an object that is malformed, spans lines or is followed by more
   * data on its line) is decoded alone by {@link #decodeLine}, and the shared parser restarts after
   * it.
   *
   * @param buf the bytes, UTF-8
   * @param off where the first line starts
   * @param len the run's length in bytes; every line ends with {@code \n} except possibly the last
   * @param stream the per-stream state, in line order
   * @param lineNo the number of lines before the run
   * @param out receives the events
   * @param rejects receives rejected records
   * @return the number of lines in the run
   */
  long decodeLines(
      byte[] buf,
      int off,
      int len,
      KernelEventReader.StreamState stream,
      long lineNo,
      Consumer<KernelEvent> out,
      RejectListener rejects) {
    final int end = off + len;
    final long first = lineNo;
    int pos = off;
    JsonParser p = null;
    int base = 0;
    int parserLine = 0;
    while (pos < end) {
      lineNo++;
      int s = pos;
      while (s < end && (buf[s] == ' ' || buf[s] == '\t')) {
        s++;
      }
      if (p != null
          && s < end
          && (buf[s] == '\n' || buf[s] == '\r' && s + 1 < end && buf[s + 1] == '\n')) {
        stream.lines++; // a blank line between objects: the parser skips it as whitespace
        parserLine++;
        pos = buf[s] == '\n' ? s + 1 : s + 2;
        continue;
      }
      if (s < end && buf[s] == '{') {
        try {
          if (p == null) {
            p = JSON.createParser(buf, pos, end - pos);
            base = pos;
            parserLine = 1;
            if (!(p instanceof UTF8StreamJsonParser)) {
              throw new CharConversionException("not UTF-8"); // UTF-16/32: decoded alone
            }
          }
          int next = sharedObject(p, base, parserLine, buf, end, stream, lineNo, out, rejects);
          if (next >= 0) {
            pos = next;
            parserLine++;
            continue;
          }
          if (next == RESTART) {
            int nl =
                LineSplitter.indexOf(
                    buf, base + (int) p.currentLocation().getByteOffset(), end, (byte) '\n');
            closeQuietly(p);
            p = null;
            pos = nl < 0 ? end : nl + 1;
            continue;
          }
        } catch (IOException e) {
          // malformed somewhere: the line is decoded alone below, as decodeLine would
        }
        closeQuietly(p);
        p = null;
      } else if (p != null) {
        closeQuietly(p);
        p = null;
      }
      int nl = LineSplitter.indexOf(buf, pos, end, (byte) '\n');
      int lineEnd = nl < 0 ? end : nl;
      int l = lineEnd - pos;
      if (l > 0 && buf[pos + l - 1] == '\r') {
        l--;
      }
      decodeLine(buf, pos, l, stream, lineNo, out, rejects);
      pos = nl < 0 ? end : nl + 1;
    }
    closeQuietly(p);
    return lineNo - first;
  }

  /** {@link #sharedObject}: decode this line alone. */
  private static final int ALONE = -1;

  /** {@link #sharedObject}: the line was rejected mid-object; restart the parser after it. */
  private static final int RESTART = -2;

  /**
   * Decodes the object that starts the current line from the shared parser.
   *
   * @return where the next line starts, or {@link #ALONE}, or {@link #RESTART}
   */
  private int sharedObject(
      JsonParser p,
      int base,
      int parserLine,
      byte[] buf,
      int end,
      StreamState stream,
      long lineNo,
      Consumer<KernelEvent> out,
      RejectListener rj)
      throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return ALONE;
    }
    JsonToken first = p.nextToken();
    boolean bpftrace = first == JsonToken.FIELD_NAME && "type".equals(p.currentName());
    try {
      if (bpftrace) {
        bpftraceFields(p);
      } else {
        decoder.readFields(p);
      }
    } catch (BadRecord bad) {
      if (p.currentLocation().getLineNr() != parserLine) {
        return ALONE; // the object ran past its line: decodeLine says what is wrong with it
      }
      stream.lines++;
      reject(stream, lineNo, bad.reason(), bad.getMessage(), rj);
      return RESTART;
    }
    // The END_OBJECT's line and the offset just after it, read without the JsonLocation that
    // currentLocation() allocates (a quarter of what the decoding threads allocated).
    ParserBase at = (ParserBase) p;
    if (at.getTokenLineNr() != parserLine) {
      return ALONE;
    }
    int i = base + (int) at.getTokenCharacterOffset();
    while (i < end && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r')) {
      i++;
    }
    if (i < end && buf[i] != '\n') {
      return ALONE; // more data after the object on its line
    }
    stream.lines++;
    if (bpftrace) {
      bpftraceAction(stream, lineNo, out, rj);
    } else {
      KernelEvent event;
      try {
        event = decoder.build(defaultHost, stream.source);
      } catch (BadRecord bad) {
        reject(stream, lineNo, bad.reason(), bad.getMessage(), rj);
        return i < end ? i + 1 : end;
      }
      emit(event, stream, out);
    }
    return i < end ? i + 1 : end;
  }

  private static void closeQuietly(JsonParser p) {
    if (p != null) {
      try {
        p.close();
      } catch (IOException e) {
        // a parser over a byte array does not fail to close
      }
    }
  }

  /**
   * Decodes one line of the stream (without its line terminator), for inputs that frame lines
   * themselves (HTTP bodies, followed files). Never throws on bad data: rejects it instead.
   *
   * @param buf the bytes, UTF-8 (invalid sequences are tolerated)
   * @param off where the line starts in {@code buf}
   * @param len the line's length in bytes
   * @param stream the per-stream state; use one per input stream, in line order
   * @param lineNo the 1-based line number, used in rejections
   * @param out receives the line's events (none, one, or several for a bpftrace printf)
   * @param rejects receives rejected records
   */
  public void decodeLine(
      byte[] buf,
      int off,
      int len,
      StreamState stream,
      long lineNo,
      Consumer<KernelEvent> out,
      RejectListener rejects) {
    stream.lines++;
    if (LineSplitter.isBlank(buf, off, len)) {
      return;
    }
    String skip = textSkipReason(buf, off, len);
    if (skip != null) {
      stream.skipped.add(skip);
      return;
    }
    try {
      decodeOuter(JSON.createParser(buf, off, len), stream, lineNo, out, rejects);
    } catch (JsonProcessingException e) {
      if (hasNonAscii(buf, off, len)) {
        // Lenient path: bpftrace passes raw bytes >= 0x80 through; decode with replacement.
        String text = new String(buf, off, len, StandardCharsets.UTF_8);
        try {
          decodeOuter(JSON.createParser(text), stream, lineNo, out, rejects);
          return;
        } catch (IOException e2) {
          e = e2 instanceof JsonProcessingException j ? j : e;
        }
      }
      reject(stream, lineNo, RejectReason.INVALID_JSON, e.getOriginalMessage(), rejects);
    } catch (IOException e) {
      reject(stream, lineNo, RejectReason.INVALID_JSON, String.valueOf(e.getMessage()), rejects);
    }
  }

  private void decodeOuter(
      JsonParser p, StreamState stream, long lineNo, Consumer<KernelEvent> out, RejectListener rj)
      throws IOException {
    try (p) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        reject(stream, lineNo, RejectReason.INVALID_JSON, "line is not a JSON object", rj);
        return;
      }
      JsonToken first = p.nextToken();
      if (first == JsonToken.FIELD_NAME && "type".equals(p.currentName())) {
        bpftraceRecord(p, stream, lineNo, out, rj);
        return;
      }
      KernelEvent event;
      try {
        event = decoder.decode(p, defaultHost, stream.source);
        if (p.nextToken() != null) {
          reject(stream, lineNo, RejectReason.INVALID_JSON, "data after the JSON object", rj);
          return;
        }
      } catch (BadRecord bad) {
        reject(stream, lineNo, bad.reason(), bad.getMessage(), rj);
        return;
      }
      emit(event, stream, out);
    }
  }

  private void bpftraceRecord(
      JsonParser p, StreamState stream, long lineNo, Consumer<KernelEvent> out, RejectListener rj)
      throws IOException {
    bpftraceFields(p);
    if (p.nextToken() != null) {
      reject(stream, lineNo, RejectReason.INVALID_JSON, "data after the JSON object", rj);
      return;
    }
    bpftraceAction(stream, lineNo, out, rj);
  }

  /** Reads a bpftrace record's fields (current token: its first FIELD_NAME) up to its end. */
  private void bpftraceFields(JsonParser p) throws IOException {
    String type = null;
    long lostEvents = -1;
    dataLen = -1;
    for (JsonToken t = p.currentToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if ("type".equals(field) && v == JsonToken.VALUE_STRING) {
        type = p.getText();
      } else if ("data".equals(field) && v == JsonToken.VALUE_STRING) {
        copyData(p);
      } else if ("data".equals(field) && v == JsonToken.START_OBJECT) {
        for (JsonToken d = p.nextToken(); d == JsonToken.FIELD_NAME; d = p.nextToken()) {
          JsonToken dv = p.nextToken();
          if ("events".equals(p.currentName()) && dv == JsonToken.VALUE_NUMBER_INT) {
            lostEvents = p.getLongValue();
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    bpfType = type;
    bpfLostEvents = lostEvents;
  }

  /** Acts on the bpftrace record read by {@link #bpftraceFields}. */
  private void bpftraceAction(
      StreamState stream, long lineNo, Consumer<KernelEvent> out, RejectListener rj) {
    String type = bpfType;
    long lostEvents = bpfLostEvents;
    if ("printf".equals(type)) {
      if (dataLen < 0) {
        reject(stream, lineNo, RejectReason.NOT_CANONICAL, "printf record without text data", rj);
      } else {
        printfData(stream, lineNo, out, rj);
      }
    } else if ("lost_events".equals(type)) {
      if (lostEvents < 0) {
        reject(stream, lineNo, RejectReason.INVALID_VALUE, "lost_events without data.events", rj);
      } else {
        lost(lostEvents, stream, out);
      }
    } else {
      stream.skipped.add(SkipReason.BPFTRACE_PREFIX + (type == null ? "untyped" : type));
    }
  }

  /**
   * Why a line that does not start with a JSON object is skipped, or null when it is not: producer
   * text ({@link ProducerNoise}) is {@code producer-text}; bpftrace's plain-text map printout at
   * exit ({@code @name: value}, {@code @name[key]: value}, histogram buckets {@code [a, b) n
   * |@@@|}) is {@code bpftrace-map} or {@code bpftrace-hist}, the reasons its {@code -f json}
   * records get.
   */
  private static String textSkipReason(byte[] buf, int off, int len) {
    int s = off;
    int e = off + len;
    while (s < e && (buf[s] == ' ' || buf[s] == '\t')) {
      s++;
    }
    while (e > s && (buf[e - 1] == ' ' || buf[e - 1] == '\t' || buf[e - 1] == '\r')) {
      e--;
    }
    if (s == e || buf[s] == '{') {
      return null;
    }
    if (buf[s] == '@') {
      return SkipReason.BPFTRACE_PREFIX + "map";
    }
    if (buf[s] == '[' && buf[e - 1] == '|') {
      return SkipReason.BPFTRACE_PREFIX + "hist";
    }
    String text = new String(buf, s, e - s, StandardCharsets.UTF_8);
    return ProducerNoise.isNoise(text) ? SkipReason.PRODUCER_TEXT : null;
  }

  private void copyData(JsonParser p) throws IOException {
    int n = p.getTextLength();
    if (dataChars.length < n) {
      dataChars = new char[Math.max(n, dataChars.length * 2)];
    }
    System.arraycopy(p.getTextCharacters(), p.getTextOffset(), dataChars, 0, n);
    dataLen = n;
  }

  private void printfData(
      StreamState stream, long lineNo, Consumer<KernelEvent> out, RejectListener rj) {
    char[] c = dataChars;
    int n = dataLen;
    int start = 0;
    for (int i = 0; i <= n; i++) {
      if (i == n || c[i] == '\n') {
        int s = start;
        int e = i;
        while (s < e && (c[s] == ' ' || c[s] == '\t' || c[s] == '\r')) {
          s++;
        }
        while (e > s && (c[e - 1] == ' ' || c[e - 1] == '\t' || c[e - 1] == '\r')) {
          e--;
        }
        if (e > s) {
          canonicalText(c, s, e - s, stream, lineNo, out, rj);
        }
        start = i + 1;
      }
    }
  }

  private void canonicalText(
      char[] c,
      int off,
      int len,
      StreamState stream,
      long lineNo,
      Consumer<KernelEvent> out,
      RejectListener rj) {
    if (c[off] != '{') {
      reject(
          stream, lineNo, RejectReason.NOT_CANONICAL, "printf text: " + excerpt(c, off, len), rj);
      return;
    }
    KernelEvent event;
    try (JsonParser p = JSON.createParser(c, off, len)) {
      p.nextToken();
      p.nextToken();
      try {
        event = decoder.decode(p, defaultHost, stream.source);
      } catch (BadRecord bad) {
        reject(stream, lineNo, bad.reason(), bad.getMessage(), rj);
        return;
      }
      if (p.nextToken() != null) {
        reject(stream, lineNo, RejectReason.NOT_CANONICAL, "data after the JSON object", rj);
        return;
      }
    } catch (IOException e) {
      reject(
          stream, lineNo, RejectReason.NOT_CANONICAL, "printf text: " + excerpt(c, off, len), rj);
      return;
    }
    emit(event, stream, out);
  }

  private void emit(KernelEvent event, StreamState stream, Consumer<KernelEvent> out) {
    if (event == null) {
      return; // clock.sync, applied
    }
    if (stream.pendingLost > 0) {
      long n = stream.pendingLost;
      stream.pendingLost = 0;
      out.accept(lostEvent(n, event.endEpochNanos(), stream));
      stream.events++;
    }
    if (event.name() == EventName.PRODUCER_LOST) {
      stream.lost = ReadSummary.plusCapped(stream.lost, lostCount(event));
    }
    if (!stream.seenEvent || event.endEpochNanos() > stream.latestEpochNanos) {
      stream.latestEpochNanos = event.endEpochNanos();
      stream.seenEvent = true;
    }
    stream.events++;
    out.accept(event);
  }

  /**
   * The number of events a canonical {@code producer.lost} says were lost: its {@code value}, or 1
   * when it has none (docs/EVENTS.md: the value is the count of lost events).
   */
  private static long lostCount(KernelEvent e) {
    double v = e.value();
    if (Double.isNaN(v)) {
      return 1;
    }
    return v <= 0 ? 0 : (long) Math.min(v, Long.MAX_VALUE);
  }

  private void lost(long n, StreamState stream, Consumer<KernelEvent> out) {
    stream.lost = ReadSummary.plusCapped(stream.lost, n);
    stream.lostRecords = true;
    if (!stream.seenEvent) {
      stream.pendingLost = ReadSummary.plusCapped(stream.pendingLost, n);
      return;
    }
    stream.events++;
    out.accept(lostEvent(n, stream.latestEpochNanos, stream));
  }

  private KernelEvent lostEvent(long n, long epochNanos, StreamState stream) {
    lostUsedDefaultHost = true;
    return KernelEvent.builder(EventName.PRODUCER_LOST, defaultHost)
        .at(epochNanos)
        .value(n, "1")
        .source(stream.source)
        .build();
  }

  private static void reject(
      StreamState stream, long lineNo, String reason, String message, RejectListener rejects) {
    stream.rejected++;
    rejects.rejected(new Rejection(stream.source, lineNo, reason, message));
  }

  private static boolean hasNonAscii(byte[] buf, int off, int len) {
    for (int i = off, e = off + len; i < e; i++) {
      if (buf[i] < 0) {
        return true;
      }
    }
    return false;
  }

  private static String excerpt(char[] c, int off, int len) {
    return len <= 80 ? new String(c, off, len) : new String(c, off, 77) + "...";
  }

  /**
   * The state one input stream carries from line to line: its name, its counts, and the latest
   * event time seen, which dates {@code lost_events} records.
   *
   * <p>A {@code lost_events} record is dated at the latest (largest) event end time seen so far in
   * the stream. When it comes before any event, its count is held and a {@code producer.lost} event
   * is emitted just before the first event, dated at that event's time; if the stream has no event
   * at all, the count appears only in {@link ReadSummary#lost()}. Not thread-safe.
   */
  public static final class StreamState {
    private final String source;
    private long lines;
    private long events;
    private long rejected;
    private long lost;
    private long pendingLost;
    private final SkipCounts skipped = new SkipCounts();
    private boolean seenEvent;
    private boolean lostRecords;
    private long latestEpochNanos;

    /**
     * Creates the state of a new stream.
     *
     * @param source the stream's name, used in rejections and as the {@code source} of {@code
     *     producer.lost} events
     */
    public StreamState(String source) {
      this.source = Objects.requireNonNull(source, "source");
    }

    /** The stream's name. */
    public String source() {
      return source;
    }

    /**
     * The latest event end time seen, nanoseconds since the Unix epoch, or {@link Long#MIN_VALUE}
     * before the first event.
     */
    public long latestEpochNanos() {
      return seenEvent ? latestEpochNanos : Long.MIN_VALUE;
    }

    /** The lines seen so far, blank, skipped and rejected ones included. */
    public long lines() {
      return lines;
    }

    /**
     * Whether the lines that {@code later} read, from a fresh state, would have given the same
     * events had they been read after this stream's lines: false when a {@code lost_events} count
     * is still waiting here for a first event that {@code later} has, or when {@code later} held a
     * count for its first event that this stream would have dated at once.
     *
     * @param later the state of the lines that follow this stream's, read from a fresh state
     */
    public boolean canAppend(StreamState later) {
      return !(pendingLost > 0 && later.seenEvent) && !(seenEvent && later.lostRecords);
    }

    /**
     * Adds the counts of the lines that follow, read from a fresh state (see {@link #canAppend}).
     *
     * @param later the state of the following lines
     * @throws IllegalArgumentException if {@link #canAppend} is false
     */
    public void append(StreamState later) {
      if (!canAppend(later)) {
        throw new IllegalArgumentException("later: depends on this stream's state");
      }
      lines += later.lines;
      events += later.events;
      rejected += later.rejected;
      lost = ReadSummary.plusCapped(lost, later.lost);
      pendingLost = later.seenEvent ? 0 : ReadSummary.plusCapped(pendingLost, later.pendingLost);
      later.skipped.snapshot().forEach(skipped::add);
      lostRecords |= later.lostRecords;
      if (later.seenEvent && (!seenEvent || later.latestEpochNanos > latestEpochNanos)) {
        latestEpochNanos = later.latestEpochNanos;
      }
      seenEvent |= later.seenEvent;
    }

    /** The counts so far. */
    public ReadSummary summary() {
      return new ReadSummary(lines, events, rejected, lost, skipped.snapshot());
    }

    void tooLong(long lineNo, int maxLineBytes, RejectListener rejects) {
      lines++;
      reject(
          this,
          lineNo,
          RejectReason.LINE_TOO_LONG,
          "line longer than " + maxLineBytes + " bytes skipped",
          rejects);
    }
  }
}
