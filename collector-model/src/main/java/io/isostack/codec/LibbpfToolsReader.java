package io.isostack.codec;

import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads the text output of libbpf-tools (Debian {@code libbpf-tools} 0.26, bcc {@code
 * libbpf-tools/}; docs/formats/02-libbpf-tools.md) and emits canonical {@link KernelEvent}s.
 *
 * <p>Tools and their mapping (each event's {@code source} is {@code libbpf-tools:<tool>}):
 *
 * <ul>
 *   <li>{@code runqslower [-P]}: {@code sched.runq_latency}; {@code tid} = TID, {@code comm},
 *       {@code dur_ns} = LAT(us) × 1000, {@code attrs.prev_comm}/{@code prev_tid} with {@code -P}.
 *       The pid is {@link KernelEvent#UNKNOWN_PID}: runqslower prints thread ids only.
 *   <li>{@code tcplife -T}: {@code tcp.lifetime}; {@code pid}, {@code comm}, 5-tuple (LADDR:LPORT
 *       local, RADDR:RPORT remote, tcp), {@code dur_ns} = MS × 10⁶, {@code attrs.tx_bytes}/{@code
 *       rx_bytes} = TX_KB/RX_KB × 1024 (rounded; the tool prints two decimals).
 *   <li>{@code tcpstates -T}: {@code tcp.connect_latency} for {@code SYN_SENT -> ESTABLISHED} only
 *       ({@code dur_ns} = MS, the time spent in SYN_SENT; {@code attrs.skaddr}); every other
 *       transition is counted as skipped: no canonical event means "state changed".
 *   <li>{@code exitsnoop}: {@code process.exit}; {@code pid}, {@code tid}, {@code comm}, {@code
 *       attrs.ppid}, {@code attrs.age_ns} (AGE(s) × 10⁹), {@code attrs.exit_code} or {@code
 *       attrs.signal} (+ {@code attrs.core_dumped}).
 *   <li>{@code execsnoop}: {@code process.exec} ({@code pid}, {@code comm}, {@code attrs.ppid},
 *       {@code ret}, {@code args}, {@code uid}); a negative RET ({@code -x}) is a failed execve and
 *       becomes {@code syscall.error} with {@code attrs.syscall=execve} and {@code attrs.errno}.
 *       ARGS may continue on following lines (arguments with newlines): those lines are counted as
 *       skipped and {@code attrs.args} holds the first line only.
 *   <li>{@code runqlat}, {@code biolatency}: log2 histograms, see {@link LibbpfHistograms}.
 *   <li>{@code cpudist}: parsed and counted as skipped (on-CPU time is no stall the engine rates).
 * </ul>
 *
 * <p><b>Time.</b> {@code HH:MM:SS} columns ({@code -T}; several tools label them {@code TIME(s)})
 * are the userspace print time with one-second resolution in the tool's local time zone and no
 * date: they are placed on {@link Options#date()} in {@link Options#zone()}. The event happened at
 * some unknown moment of that second or just before it, so {@code time_ns} is the second's start +
 * 999 999 999 ns (the latest moment it can be) and {@code attrs.time_resolution_ns} = 10⁹ tells the
 * engine to widen its windows by a second. Decimal {@code TIME(s)} columns are seconds since the
 * tool started and need {@link Options#startEpochNanos()}; their resolution is that of the printed
 * decimals. Without a start, such records are rejected ({@code missing-time-anchor}).
 *
 * <p><b>What one-second times allow.</b> Which second a stall, a connection's end or an exit fell
 * in; per-process or per-cgroup histograms as host- or cgroup-level evidence over an interval. They
 * do <em>not</em> allow sub-second alignment with spans (a 20 ms span and a 4 ms run-queue wait in
 * the same second cannot be said to overlap), a pid for runqslower (thread ids only), or absolute
 * time for {@code TIME(s)} tools without a start anchor.
 *
 * <p><b>Framing.</b> One tool per stream; the tool is given or detected from the header line (or,
 * for histograms, the {@code Tracing ...} banner). Lines starting with {@code #}, banners and blank
 * lines are ignored; other producer text ({@link ProducerNoise}: {@code ^C}, {@code WARNING:}) is
 * counted as skipped ({@code producer-text}); {@code lost N events on CPU #c} lines (stderr merged)
 * add to {@link ReadSummary#lost()} and emit {@code producer.lost}. Lines that fit no layout are
 * rejected with their line number ({@code unknown-layout}, {@code invalid-value}, {@code
 * missing-time-anchor}); reading goes on. Not thread-safe: one reader per thread.
 */
public final class LibbpfToolsReader {

  /** The longest line accepted, in bytes. */
  public static final int MAX_LINE_BYTES = 1024 * 1024;

  /** The libbpf-tools this reader understands. */
  public enum Tool {
    RUNQSLOWER,
    TCPLIFE,
    TCPSTATES,
    EXITSNOOP,
    EXECSNOOP,
    RUNQLAT,
    BIOLATENCY,
    CPUDIST,
    TCPRETRANS,
    OOMKILL;

    /** The tool's binary name, e.g. {@code runqslower}; also used in {@code source}. */
    public String toolName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    boolean isHistogram() {
      return this == RUNQLAT || this == BIOLATENCY || this == CPUDIST;
    }
  }

  /**
   * How to place the tools' times on the Unix epoch, and what the command line said.
   *
   * @param date the local date of the first {@code HH:MM:SS} time (later times past midnight move
   *     to the next day)
   * @param zone the time zone the tool printed in (its host's local zone)
   * @param startEpochNanos the tool's start, nanoseconds since the Unix epoch, for decimal {@code
   *     TIME(s)} columns and undated histogram intervals; {@link #NO_START} when unknown
   * @param intervalNanos the histogram interval the tool was started with ({@code runqlat 2} → 2
   *     s), in nanoseconds; 0 when unknown (then derived from consecutive {@code -T} lines)
   * @param cgroupPath the {@code -c} cgroup the tool was restricted to (cgroup v2 path, e.g. {@code
   *     /fmtdemo}; a leading {@code /sys/fs/cgroup} or {@code /sys/fs/cgroup/unified} is removed),
   *     put on histogram events; null when not restricted
   */
  public record Options(
      LocalDate date, ZoneId zone, long startEpochNanos, long intervalNanos, String cgroupPath) {
    /** {@link #startEpochNanos()} when the start is unknown. */
    public static final long NO_START = Long.MIN_VALUE;

    /** Validates: date and zone are required, the interval is non-negative. */
    public Options {
      Objects.requireNonNull(date, "date");
      Objects.requireNonNull(zone, "zone");
      if (intervalNanos < 0) {
        throw new IllegalArgumentException("intervalNanos is negative: " + intervalNanos);
      }
      if (cgroupPath != null) {
        for (String prefix : new String[] {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
          if (cgroupPath.startsWith(prefix + "/")) {
            cgroupPath = cgroupPath.substring(prefix.length());
            break;
          }
        }
      }
    }

    /** The defaults: today's date in UTC by {@code clock}, zone UTC, no start, no interval. */
    public static Options defaults(Clock clock) {
      return new Options(
          LocalDate.now(clock.withZone(ZoneOffset.UTC)), ZoneOffset.UTC, NO_START, 0, null);
    }

    /** These options on another date and zone. */
    public Options at(LocalDate date, ZoneId zone) {
      return new Options(date, zone, startEpochNanos, intervalNanos, cgroupPath);
    }

    /** These options with a start time (nanoseconds since the Unix epoch). */
    public Options withStart(long startEpochNanos) {
      return new Options(date, zone, startEpochNanos, intervalNanos, cgroupPath);
    }

    /** These options with a histogram interval in nanoseconds. */
    public Options withInterval(long intervalNanos) {
      return new Options(date, zone, startEpochNanos, intervalNanos, cgroupPath);
    }

    /** These options with the {@code -c} cgroup path. */
    public Options withCgroupPath(String cgroupPath) {
      return new Options(date, zone, startEpochNanos, intervalNanos, cgroupPath);
    }
  }

  private final Tool fixedTool;
  private final Options options;
  private final String host;

  /**
   * Creates a reader.
   *
   * @param tool the tool that wrote the input, or null to detect it from the header or banner
   * @param options how to date the records
   * @param host the {@code host.name} of the events (the tools print none)
   * @throws NullPointerException if options or host is null
   */
  public LibbpfToolsReader(Tool tool, Options options, String host) {
    this.fixedTool = tool;
    this.options = Objects.requireNonNull(options, "options");
    this.host = Objects.requireNonNull(host, "host");
  }

  /**
   * Reads a whole stream until its end. Does not close {@code in}.
   *
   * @param in the tool's standard output (standard error may be merged)
   * @param source the stream's name, used in rejections
   * @param out receives each event, in input order
   * @param rejects receives each rejected line
   * @return the counts for this stream
   * @throws IOException if reading {@code in} fails (data errors never throw)
   */
  public ReadSummary read(
      InputStream in, String source, Consumer<KernelEvent> out, RejectListener rejects)
      throws IOException {
    StreamState state = newStream(source);
    read(in, state, out, rejects);
    return state.summary();
  }

  /**
   * Reads a whole stream into the given state, so that the caller can see {@link
   * AdapterStream#skipped()} afterwards. Does not close {@code in}.
   *
   * @throws IOException if reading {@code in} fails
   */
  public void read(
      InputStream in, StreamState state, Consumer<KernelEvent> out, RejectListener rejects)
      throws IOException {
    new LineSplitter(8192, MAX_LINE_BYTES)
        .split(
            in,
            new LineSplitter.LineHandler() {
              @Override
              public void line(byte[] buf, int off, int len, long lineNo) {
                decodeLine(buf, off, len, state, lineNo, out, rejects);
              }

              @Override
              public void tooLong(long lineNo, int maxLineBytes) {
                state.counts.lines++;
                state.counts.reject(
                    lineNo,
                    RejectReason.LINE_TOO_LONG,
                    "line longer than " + maxLineBytes + " bytes skipped",
                    rejects);
              }
            });
  }

  /** The state of a new input stream, for {@link #decodeLine}. */
  public StreamState newStream(String source) {
    return new StreamState(source, fixedTool, options);
  }

  /**
   * Decodes one line (without its terminator), for inputs that frame lines themselves (a followed
   * file, a pipe). Never throws on bad data: rejects it instead.
   *
   * @param buf the bytes, UTF-8 (invalid sequences are replaced)
   * @param off where the line starts
   * @param len the line's length in bytes
   * @param stream the per-stream state from {@link #newStream}, fed lines in order
   * @param lineNo the 1-based line number, used in rejections
   * @param out receives the line's events (none or one; a histogram bucket line gives one)
   * @param rejects receives rejected lines
   */
  public void decodeLine(
      byte[] buf,
      int off,
      int len,
      StreamState stream,
      long lineNo,
      Consumer<KernelEvent> out,
      RejectListener rejects) {
    stream.counts.lines++;
    String line = new String(buf, off, len, StandardCharsets.UTF_8);
    String trimmed = line.strip();
    if (trimmed.isEmpty()) {
      if (stream.histograms != null) {
        stream.histograms.blank();
      }
      return;
    }
    if (trimmed.charAt(0) == '#') {
      return;
    }
    if (trimmed.startsWith("lost ") && trimmed.contains(" events on CPU")) {
      long n = TextNumbers.integer(trimmed.substring(5, trimmed.indexOf(' ', 5)));
      if (n > 0) {
        stream.counts.lost(n, host, stream.eventSource(), out);
      }
      return;
    }
    if (trimmed.startsWith("Tracing ")) {
      stream.banner(trimmed);
      return;
    }
    if (ProducerNoise.isNoise(trimmed)) {
      stream.counts.skip(SkipReason.PRODUCER_TEXT); // ^C, WARNING: and libbpf: lines
      return;
    }
    if (stream.tool == Tool.OOMKILL
        || (stream.tool == null && stream.layout == null && LibbpfOomKills.isRecord(trimmed))) {
      stream.tool = Tool.OOMKILL;
      stream.oomKills(host).line(trimmed, lineNo, out, rejects);
      return;
    }
    if (stream.layout == null && stream.histograms == null) {
      if (!stream.startFrom(line, trimmed, host)) {
        stream.counts.reject(
            lineNo,
            RejectReason.UNKNOWN_LAYOUT,
            "no known libbpf-tools header or histogram before: " + AdapterStream.excerpt(trimmed),
            rejects);
        return;
      }
      if (stream.layout != null) {
        return; // the header line itself
      }
    }
    if (stream.histograms != null) {
      stream.histograms.line(trimmed, lineNo, out, rejects);
    } else {
      stream.events.line(line, lineNo, out, rejects);
    }
  }

  /**
   * Detects the tool from a header line or banner.
   *
   * @param line a line of the tool's output
   * @return the tool, or null when the line is no header or banner this reader knows
   */
  public static Tool detectTool(String line) {
    String t = line.strip();
    if (t.startsWith("Tracing run queue latency higher than")) {
      return Tool.RUNQSLOWER;
    }
    if (t.startsWith("Tracing run queue latency")) {
      return Tool.RUNQLAT;
    }
    if (t.startsWith("Tracing block device I/O")) {
      return Tool.BIOLATENCY;
    }
    if (t.startsWith("Tracing on-CPU time") || t.startsWith("Tracing off-CPU time")) {
      return Tool.CPUDIST;
    }
    if (t.startsWith("Tracing retransmits") || t.startsWith("Tracing tcp retransmits")) {
      return Tool.TCPRETRANS;
    }
    if (t.startsWith("Tracing oom_kill_process()")
        || t.startsWith("Tracing OOM kills")
        || LibbpfOomKills.isRecord(t)) {
      return Tool.OOMKILL;
    }
    LibbpfLayout l = LibbpfLayout.parse(t);
    if (l.index("LAT(us)") >= 0 && l.index("TID") >= 0 && l.index("COMM") >= 0) {
      return Tool.RUNQSLOWER;
    }
    if (l.index("TX_KB") >= 0 && l.index("RX_KB") >= 0 && l.index("MS") >= 0) {
      return Tool.TCPLIFE;
    }
    if (l.index("SKADDR") >= 0 && l.index("OLDSTATE") >= 0) {
      return Tool.TCPSTATES;
    }
    if (l.index("EXIT_CODE") >= 0 && l.index("PCOMM") >= 0) {
      return Tool.EXITSNOOP;
    }
    if (l.index("PCOMM") >= 0 && l.index("RET") >= 0 && l.index("ARGS") >= 0) {
      return Tool.EXECSNOOP;
    }
    if (l.index("LADDR:LPORT") >= 0 && l.index("RADDR:RPORT") >= 0) {
      return Tool.TCPRETRANS;
    }
    return null;
  }

  /**
   * The state one input stream carries from line to line: the tool, the header's layout, the time
   * anchor and the histogram in progress. Not thread-safe.
   */
  public static final class StreamState {
    final AdapterStream counts;
    final LibbpfClock clock;
    final Options options;
    Tool tool;
    LibbpfLayout layout;
    LibbpfEventLines events;
    LibbpfHistograms histograms;
    private LibbpfOomKills oomKills;

    private StreamState(String source, Tool tool, Options options) {
      this.counts = new AdapterStream(source);
      this.clock = new LibbpfClock(options);
      this.options = options;
      this.tool = tool;
    }

    /** The tool, given or detected; null before the header or banner. */
    public Tool tool() {
      return tool;
    }

    /** The counts so far. */
    public ReadSummary summary() {
      return counts.summary();
    }

    /** Records read but deliberately not mapped (see {@link AdapterStream#skipped()}). */
    public long skipped() {
      return counts.skipped();
    }

    LibbpfOomKills oomKills(String host) {
      if (oomKills == null) {
        oomKills = new LibbpfOomKills(this, host);
      }
      return oomKills;
    }

    String eventSource() {
      return "libbpf-tools:" + (tool == null ? "unknown" : tool.toolName());
    }

    void banner(String text) {
      if (tool == null) {
        tool = detectTool(text);
      }
    }

    /** Starts the layout from a header, or a histogram; false when neither fits. */
    boolean startFrom(String line, String trimmed, String host) {
      Tool detected = detectTool(trimmed);
      boolean histogramLine =
          LibbpfClock.isClockTime(trimmed)
              || trimmed.endsWith("distribution")
              || trimmed.startsWith("disk = ")
              || trimmed.startsWith("flags = ")
              || trimmed.startsWith("pid = ")
              || trimmed.startsWith("tid = ")
              || trimmed.startsWith("pidns = ");
      if (detected != null && !detected.isHistogram() && (tool == null || tool == detected)) {
        tool = detected;
        layout = LibbpfLayout.parse(line);
        events = new LibbpfEventLines(this, host);
        return true;
      }
      if (histogramLine && tool == null && trimmed.startsWith("disk = ")) {
        tool = Tool.BIOLATENCY;
      }
      if (histogramLine && tool != null && tool.isHistogram()) {
        histograms = new LibbpfHistograms(this, host);
        return true;
      }
      return false;
    }
  }
}
