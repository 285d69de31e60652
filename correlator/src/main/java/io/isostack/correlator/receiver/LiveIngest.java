package io.isostack.correlator.receiver;

import com.google.protobuf.InvalidProtocolBufferException;
import io.isostack.codec.OtlpJsonTraceReader;
import io.isostack.codec.OtlpLogEvents;
import io.isostack.codec.OtlpLogEventsJson;
import io.isostack.codec.OtlpProtoTraceReader;
import io.isostack.codec.ReadContext;
import io.isostack.codec.ReadSummary;
import io.isostack.codec.RecordStream;
import io.isostack.codec.RejectListener;
import io.isostack.codec.RejectReason;
import io.isostack.codec.Rejection;
import io.isostack.correlator.receiver.ReceiveTally.Channel;
import io.isostack.correlator.receiver.WriteAheadLog.Kind;
import io.isostack.correlator.receiver.WriteAheadLog.Outcome;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * Turns received OTLP requests and kernel-event bodies into spans and events and offers them to the
 * {@link SpanConsumer} and {@link EventConsumer}, the same way for gRPC and HTTP: invalid records
 * are rejected one by one (counted in the shared {@link RejectTally} and summed up in the result),
 * the valid ones are offered in one batch, and a full engine queue refuses the whole request so
 * that the client retries it. What each receiver takes in is counted in its {@link #received()}
 * tally. With a {@link WriteAheadLog} ({@code serve --storage}), each accepted request is stored
 * before it is offered, and a request the log cannot store is refused like a full queue.
 *
 * <p>Thread-safe: every call uses its own readers.
 */
public final class LiveIngest {
  private static final int ERRORS_KEPT = 5;
  private static final OtlpProtoTraceReader TRACES_PROTO = new OtlpProtoTraceReader();

  private final SpanConsumer spanConsumer;
  private final EventConsumer eventConsumer;
  private final ReadContext context;
  private final RejectTally tally;
  private final ReceiveTally received = new ReceiveTally();
  private volatile WriteAheadLog writeAhead;

  /**
   * Creates the ingest.
   *
   * @param spanConsumer where spans go
   * @param eventConsumer where kernel events go
   * @param context clock offsets (shared with the event followers), the host of events without
   *     {@code host.name}, time anchors
   * @param tally counts every rejection and skipped record
   */
  public LiveIngest(
      SpanConsumer spanConsumer,
      EventConsumer eventConsumer,
      ReadContext context,
      RejectTally tally) {
    this.spanConsumer = Objects.requireNonNull(spanConsumer, "spanConsumer");
    this.eventConsumer = Objects.requireNonNull(eventConsumer, "eventConsumer");
    this.context = Objects.requireNonNull(context, "context");
    this.tally = Objects.requireNonNull(tally, "tally");
  }

  /**
   * Stores every request accepted from now on in {@code log} before offering it (call before the
   * receivers start).
   */
  public void writeAhead(WriteAheadLog log) {
    this.writeAhead = Objects.requireNonNull(log, "log");
  }

  /** What the receivers took in so far, by receiver and signal. */
  public ReceiveTally received() {
    return received;
  }

  /**
   * Counts a request body that could not be decoded at all (e.g. an OTLP/HTTP protobuf body that
   * does not parse) as one rejected record with the given reason.
   *
   * @return the invalid result to answer with
   */
  public IngestResult undecodable(String source, String reason, String message) {
    tally.rejected(new Rejection(source, 0, reason, message));
    return IngestResult.invalid(message);
  }

  /**
   * Spans of the bytes of an OTLP protobuf {@code ExportTraceServiceRequest} received over {@code
   * transport}, decoded straight from them ({@link OtlpProtoTraceReader#decode}, no message
   * objects); bytes that are not a request are one counted {@code invalid-protobuf} rejection,
   * answered as invalid.
   *
   * @param body holds the request in {@code [0, len)}; not kept after the call (the write-ahead log
   *     stores it while the call runs: the array itself when it is exactly the request, else a
   *     copy)
   * @param len the request's length, bytes
   */
  public IngestResult traces(byte[] body, int len, OtlpTransport transport, String source) {
    return guarded(source, () -> tracesUnguarded(body, len, transport, source));
  }

  private IngestResult tracesUnguarded(
      byte[] body, int len, OtlpTransport transport, String source) {
    Collector c = new Collector();
    List<SpanView> spans = new ArrayList<>();
    ReadSummary summary;
    try {
      summary = TRACES_PROTO.decode(body, 0, len, source, spans::add, c);
    } catch (InvalidProtocolBufferException e) {
      String what = transport == OtlpTransport.GRPC ? "payload" : "body";
      return undecodable(
          source,
          RejectReason.INVALID_PROTOBUF,
          "the " + what + " is not a valid protobuf message: " + e.getMessage());
    }
    Channel channel = channel(transport, true);
    received.add(channel, 0, len, 0);
    tally.skipped(summary.skipped());
    return offerSpans(
        spans,
        c,
        "spans",
        channel,
        Kind.TRACES_PROTO,
        () -> len == body.length ? body : Arrays.copyOfRange(body, 0, len));
  }

  /** Spans of an OTLP/JSON request body (read by the streaming JSON reader). */
  public IngestResult tracesJson(byte[] body, int len, String source) {
    return guarded(source, () -> tracesJsonUnguarded(body, len, source));
  }

  private IngestResult tracesJsonUnguarded(byte[] body, int len, String source) {
    Channel channel = channel(OtlpTransport.HTTP, true);
    received.add(channel, 0, len, 0);
    Collector c = new Collector();
    List<SpanView> spans = new ArrayList<>();
    try {
      tally.skipped(
          new OtlpJsonTraceReader()
              .read(new ByteArrayInputStream(body, 0, len), source, spans::add, c)
              .skipped()); // self-parent spans, read as roots
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading memory does not fail
    }
    if (c.undecodable != null) {
      return IngestResult.invalid(c.undecodable);
    }
    return offerSpans(
        spans, c, "spans", channel, Kind.TRACES_JSON, () -> Arrays.copyOfRange(body, 0, len));
  }

  /** Kernel events of an OTLP logs request received over {@code transport}. */
  public IngestResult logs(
      ExportLogsServiceRequest request, OtlpTransport transport, String source) {
    return guarded(source, () -> logsUnguarded(request, transport, source));
  }

  private IngestResult logsUnguarded(
      ExportLogsServiceRequest request, OtlpTransport transport, String source) {
    return logs(request, transport, source, request.getSerializedSize());
  }

  private IngestResult logs(
      ExportLogsServiceRequest request, OtlpTransport transport, String source, long bytes) {
    Channel channel = channel(transport, false);
    received.add(channel, 0, bytes, 0);
    Collector c = new Collector();
    List<KernelEvent> events = new ArrayList<>();
    new OtlpLogEvents(context.clocks(), context.defaultHost())
        .convert(request, source, events::add, c);
    return offerEvents(
        events, c, "log records", channel, Kind.LOGS_PROTO, null, request::toByteArray);
  }

  /** Kernel events of an OTLP/JSON logs request body. */
  public IngestResult logsJson(byte[] body, int len, String source) {
    return guarded(source, () -> logsJsonUnguarded(body, len, source));
  }

  private IngestResult logsJsonUnguarded(byte[] body, int len, String source) {
    ExportLogsServiceRequest request;
    try {
      request = OtlpLogEventsJson.parse(body, 0, len);
    } catch (IllegalArgumentException e) {
      received.add(channel(OtlpTransport.HTTP, false), 0, len, 0);
      return undecodable(source, RejectReason.INVALID_JSON, e.getMessage());
    }
    return logs(request, OtlpTransport.HTTP, source, len);
  }

  /**
   * Kernel events of a body of lines in an event format ({@code POST
   * /v1/kernel-events?format=NAME}), read by the same reader as {@code analyze} and {@code
   * --events}.
   *
   * @param format the format's name, or null for the canonical stream (bare or bpftrace-wrapped)
   * @return invalid when the format is unknown, or when no line held a valid event and some were
   *     rejected
   */
  public IngestResult kernelEvents(byte[] body, int len, String format, String source) {
    return guarded(source, () -> kernelEventsUnguarded(body, len, format, source));
  }

  private IngestResult kernelEventsUnguarded(byte[] body, int len, String format, String source) {
    received.add(Channel.KERNEL_EVENTS, 0, len, 0);
    EventInput input;
    try {
      input = EventInput.named(format, context);
    } catch (IllegalArgumentException e) {
      return IngestResult.invalid(e.getMessage());
    }
    Collector c = new Collector();
    List<KernelEvent> events = new ArrayList<>();
    RecordStream stream = input.open(source, events::add, c);
    stream.message(body, 0, len);
    stream.finish();
    Map<String, Long> skipped = stream.summary().skipped();
    tally.skipped(skipped);
    if (events.isEmpty() && c.rejected > 0) {
      return new IngestResult(
          IngestResult.Outcome.INVALID, 0, c.rejected, c.message("lines"), c.errors, skipped);
    }
    return offerEvents(
            events,
            c,
            "lines",
            Channel.KERNEL_EVENTS,
            Kind.KERNEL_EVENTS,
            format,
            () -> Arrays.copyOfRange(body, 0, len))
        .withSkipped(skipped);
  }

  /**
   * Decodes a body stored by a {@link WriteAheadLog} again and offers it as its request was (a
   * replay after a restart, through this ingest's own log, which offers it under its stored
   * sequence number).
   *
   * @param kind what the body holds
   * @param format the event format of a kernel-events body, or null
   * @param body the stored bytes
   * @return the result of offering it; a body that does not decode any more is invalid
   */
  public IngestResult replay(Kind kind, String format, byte[] body) {
    String source = "storage";
    try {
      return switch (kind) {
        case TRACES_PROTO -> traces(body, body.length, OtlpTransport.HTTP, source);
        case TRACES_JSON -> tracesJson(body, body.length, source);
        case LOGS_PROTO ->
            logs(ExportLogsServiceRequest.parseFrom(body), OtlpTransport.HTTP, source);
        case KERNEL_EVENTS -> kernelEvents(body, body.length, format, source);
      };
    } catch (InvalidProtocolBufferException e) {
      return undecodable(source, RejectReason.INVALID_PROTOBUF, e.getMessage());
    }
  }

  /**
   * Runs one request's decoding; a reader failure it did not foresee (a bug, a pathological input)
   * becomes one counted {@code reader-error} rejection answered as invalid, never an exception that
   * reaches the transport (a 500 with the exception's text, a gRPC {@code UNKNOWN}).
   */
  private IngestResult guarded(String source, Supplier<IngestResult> call) {
    try {
      return call.get();
    } catch (RuntimeException | StackOverflowError e) {
      return undecodable(source, RejectReason.READER_ERROR, ReaderErrors.describe(e));
    }
  }

  private IngestResult offerSpans(
      List<SpanView> spans,
      Collector c,
      String what,
      Channel channel,
      Kind kind,
      Supplier<byte[]> body) {
    if (!spans.isEmpty()) {
      Outcome o =
          handOn(kind, null, body, Long.MIN_VALUE, seq -> spanConsumer.offerSpans(spans, seq));
      if (o != Outcome.ACCEPTED) {
        return o == Outcome.FAILED
            ? IngestResult.notStored(spans.size())
            : IngestResult.refused(spans.size());
      }
    }
    received.add(channel, spans.size(), 0, 0);
    return new IngestResult(
        IngestResult.Outcome.ACCEPTED, spans.size(), c.rejected, c.message(what), c.errors);
  }

  private IngestResult offerEvents(
      List<KernelEvent> events,
      Collector c,
      String what,
      Channel channel,
      Kind kind,
      String format,
      Supplier<byte[]> body) {
    if (!events.isEmpty()) {
      long maxEnd = Long.MIN_VALUE;
      for (KernelEvent e : events) {
        maxEnd = Math.max(maxEnd, e.endEpochNanos());
      }
      Outcome o = handOn(kind, format, body, maxEnd, seq -> eventConsumer.offerEvents(events, seq));
      if (o != Outcome.ACCEPTED) {
        return o == Outcome.FAILED
            ? IngestResult.notStored(events.size())
            : IngestResult.refused(events.size());
      }
    }
    long lost = 0;
    for (KernelEvent e : events) {
      if (e.name() == EventName.PRODUCER_LOST && e.value() > 0) {
        lost = Math.max(lost, lost + (long) Math.min(e.value(), Long.MAX_VALUE)); // saturating
      }
    }
    received.add(channel, events.size(), 0, lost);
    return new IngestResult(
        IngestResult.Outcome.ACCEPTED, events.size(), c.rejected, c.message(what), c.errors);
  }

  /** Offers a batch, through the write-ahead log when there is one (sequence number 0: none). */
  private Outcome handOn(
      Kind kind, String format, Supplier<byte[]> body, long maxEventEndNanos, LongPredicate offer) {
    WriteAheadLog log = writeAhead;
    if (log == null) {
      return offer.test(0) ? Outcome.ACCEPTED : Outcome.REFUSED;
    }
    return log.append(kind, format, body, maxEventEndNanos, offer);
  }

  private static Channel channel(OtlpTransport transport, boolean spans) {
    boolean grpc = transport == OtlpTransport.GRPC;
    if (spans) {
      return grpc ? Channel.OTLP_GRPC_SPANS : Channel.OTLP_HTTP_SPANS;
    }
    return grpc ? Channel.OTLP_GRPC_LOGS : Channel.OTLP_HTTP_LOGS;
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
