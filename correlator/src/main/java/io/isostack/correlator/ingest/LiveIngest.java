package io.isostack.correlator.ingest;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.KernelEventReader;
import io.isostack.codec.OtlpJsonTraceReader;
import io.isostack.codec.OtlpLogEvents;
import io.isostack.codec.OtlpLogEventsJson;
import io.isostack.codec.OtlpProtoTraceReader;
import io.isostack.codec.RejectListener;
import io.isostack.codec.RejectReason;
import io.isostack.codec.Rejection;
import io.isostack.correlator.engine.LiveCorrelator;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns received OTLP requests and kernel-event bodies into spans and events and offers them to the
 * {@link LiveCorrelator}, the same way for gRPC and HTTP: invalid records are rejected one by one
 * (counted in the shared {@link RejectTally} and summed up in the result), the valid ones are
 * offered in one batch, and a full engine queue refuses the whole request so that the client
 * retries it.
 *
 * <p>Thread-safe: every call uses its own readers.
 */
public final class LiveIngest {
  private static final int ERRORS_KEPT = 5;

  private final LiveCorrelator engine;
  private final ClockConverter clocks;
  private final String defaultHost;
  private final RejectTally tally;

  /**
   * Creates the ingest.
   *
   * @param engine where spans and events go
   * @param clocks clock offsets, shared with the event followers
   * @param defaultHost the host of events without {@code host.name}
   * @param tally counts every rejection
   */
  public LiveIngest(
      LiveCorrelator engine, ClockConverter clocks, String defaultHost, RejectTally tally) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.clocks = Objects.requireNonNull(clocks, "clocks");
    this.defaultHost = Objects.requireNonNull(defaultHost, "defaultHost");
    this.tally = Objects.requireNonNull(tally, "tally");
  }

  /** Spans of an OTLP protobuf request. */
  public IngestResult traces(ExportTraceServiceRequest request, String source) {
    Collector c = new Collector();
    List<SpanView> spans = new ArrayList<>();
    new OtlpProtoTraceReader().convert(request, source, spans::add, c);
    return offerSpans(spans, c, "spans");
  }

  /** Spans of an OTLP/JSON request body (read by the streaming JSON reader). */
  public IngestResult tracesJson(byte[] body, int len, String source) {
    Collector c = new Collector();
    List<SpanView> spans = new ArrayList<>();
    try {
      new OtlpJsonTraceReader().read(new ByteArrayInputStream(body, 0, len), source, spans::add, c);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading memory does not fail
    }
    if (c.undecodable != null) {
      return IngestResult.invalid(c.undecodable);
    }
    return offerSpans(spans, c, "spans");
  }

  /** Kernel events of an OTLP logs request. */
  public IngestResult logs(ExportLogsServiceRequest request, String source) {
    Collector c = new Collector();
    List<KernelEvent> events = new ArrayList<>();
    new OtlpLogEvents(clocks, defaultHost).convert(request, source, events::add, c);
    return offerEvents(events, c, "log records");
  }

  /** Kernel events of an OTLP/JSON logs request body. */
  public IngestResult logsJson(byte[] body, int len, String source) {
    ExportLogsServiceRequest request;
    try {
      request = OtlpLogEventsJson.parse(body, 0, len);
    } catch (IllegalArgumentException e) {
      return IngestResult.invalid(e.getMessage());
    }
    return logs(request, source);
  }

  /**
   * Kernel events of a body of canonical JSON lines (bare or bpftrace-wrapped).
   *
   * @return invalid when no line held a valid event and some were rejected
   */
  public IngestResult kernelEvents(byte[] body, int len, String source) {
    Collector c = new Collector();
    List<KernelEvent> events = new ArrayList<>();
    EventStreamDecoder d =
        new EventStreamDecoder(
            new KernelEventReader(clocks, defaultHost),
            source,
            c,
            events::addAll,
            Integer.MAX_VALUE);
    try {
      d.feed(body, 0, len);
      d.endOfStream();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return IngestResult.refused(0);
    }
    if (events.isEmpty() && c.rejected > 0) {
      return new IngestResult(
          IngestResult.Outcome.INVALID, 0, c.rejected, c.message("lines"), c.errors);
    }
    return offerEvents(events, c, "lines");
  }

  private IngestResult offerSpans(List<SpanView> spans, Collector c, String what) {
    if (!spans.isEmpty() && !engine.offerSpans(spans)) {
      return IngestResult.refused(spans.size());
    }
    return new IngestResult(
        IngestResult.Outcome.ACCEPTED, spans.size(), c.rejected, c.message(what), c.errors);
  }

  private IngestResult offerEvents(List<KernelEvent> events, Collector c, String what) {
    if (!events.isEmpty() && !engine.offerEvents(events)) {
      return IngestResult.refused(events.size());
    }
    return new IngestResult(
        IngestResult.Outcome.ACCEPTED, events.size(), c.rejected, c.message(what), c.errors);
  }

  /** The rejections of one request; forwards each to the shared tally. */
  private final class Collector implements RejectListener {
    long rejected;
    final List<Rejection> errors = new ArrayList<>();
    String undecodable;

    @Override
    public void rejected(Rejection r) {
      tally.rejected(r);
      String reason = r.reason();
      if (RejectReason.INVALID_JSON.equals(reason)
          || RejectReason.TRUNCATED.equals(reason)
          || RejectReason.INVALID_PROTOBUF.equals(reason)) {
        if (undecodable == null) {
          undecodable = reason + ": " + r.message();
        }
      }
      rejected++;
      if (errors.size() < ERRORS_KEPT) {
        errors.add(r);
      }
    }

    String message(String what) {
      if (rejected == 0) {
        return "";
      }
      StringBuilder b = new StringBuilder().append(rejected).append(' ').append(what);
      b.append(" rejected");
      String sep = ": ";
      for (Rejection r : errors) {
        b.append(sep).append(r.line() > 0 ? r.line() + ": " : "").append(r.reason());
        b.append(": ").append(r.message());
        sep = "; ";
      }
      return b.toString();
    }
  }
}
