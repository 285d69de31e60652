package io.isostack.codec;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The counts one input stream of a producer adapter ({@link LibbpfToolsReader}, {@link
 * TetragonReader}, {@link InspektorGadgetReader}) carries from line to line.
 *
 * <p>Besides the {@link ReadSummary} counts it holds {@link #skipped()}: records the producer wrote
 * correctly but that map to no event the engine uses (a {@code tcpstates} change other than {@code
 * SYN_SENT -> ESTABLISHED}, a Tetragon kprobe without a mapping, an Inspektor Gadget top array...).
 * Skipped records are neither emitted nor rejected; they are counted by reason in {@link
 * ReadSummary#skipped()}. Not thread-safe.
 */
public final class AdapterStream {
  private final String source;
  long lines;
  private long records;
  private long rejected;
  private final SkipCounts skipped = new SkipCounts();
  private long lost;
  private long latestEpochNanos = Long.MIN_VALUE;

  /**
   * Creates the state of a new stream.
   *
   * @param source the stream's name (file path, {@code stdin}), used in rejections
   * @throws NullPointerException if source is null
   */
  public AdapterStream(String source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /** The stream's name. */
  public String source() {
    return source;
  }

  /** Records read correctly but deliberately not mapped to an event; see the type's Javadoc. */
  public long skipped() {
    return skipped.total();
  }

  /**
   * The latest event end time emitted, nanoseconds since the Unix epoch, or {@link Long#MIN_VALUE}
   * before the first event.
   */
  public long latestEpochNanos() {
    return latestEpochNanos;
  }

  /** The counts so far ({@code records} = events emitted, {@code lost} = producer-lost events). */
  public ReadSummary summary() {
    return new ReadSummary(lines, records, rejected, lost, skipped.snapshot());
  }

  void emit(KernelEvent e, Consumer<KernelEvent> out) {
    records++;
    if (e.endEpochNanos() > latestEpochNanos) {
      latestEpochNanos = e.endEpochNanos();
    }
    out.accept(e);
  }

  void reject(long lineNo, String reason, String message, RejectListener rejects) {
    rejected++;
    rejects.rejected(new Rejection(source, lineNo, reason, message));
  }

  /** Counts a record skipped for {@code reason} (a {@link SkipReason} code or a format's own). */
  void skip(String reason) {
    skipped.add(reason);
  }

  /** Counts a line the caller dropped as too long and rejects it. */
  void tooLong(long lineNo, int maxLineBytes, RejectListener rejects) {
    lines++;
    reject(
        lineNo,
        RejectReason.LINE_TOO_LONG,
        "line longer than " + maxLineBytes + " bytes skipped",
        rejects);
  }

  /**
   * Counts {@code n} events the producer reported lost and emits a {@code producer.lost} event at
   * the latest event time, or only counts them when no event has been seen yet.
   */
  void lost(long n, String host, String eventSource, Consumer<KernelEvent> out) {
    lost = ReadSummary.plusCapped(lost, n);
    if (latestEpochNanos != Long.MIN_VALUE) {
      emit(
          KernelEvent.builder(EventName.PRODUCER_LOST, host)
              .at(latestEpochNanos)
              .value(n, "1")
              .source(eventSource)
              .build(),
          out);
    }
  }

  static String excerpt(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
