package io.isostack.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads OTLP traces in protobuf ({@code opentelemetry.proto.collector.trace.v1}) and emits {@link
 * SpanView}s.
 *
 * <p>Two framings, told apart by the first byte: {@code 0x0A} (field 1, length-delimited) starts
 * one bare {@code ExportTraceServiceRequest}, which is streamed one {@code ResourceSpans} at a time
 * so that a huge request is never wholly in memory; any other first byte starts the Collector file
 * exporter's framing, each request prefixed by its length as a 4-byte big-endian unsigned integer,
 * read one request at a time. Rejections carry the 1-based message number as their line: always 1
 * for a bare request, the frame number for framed input. Truncated input is rejected as {@code
 * truncated} and the spans read before it are kept; a message that does not parse is rejected as
 * {@code invalid-protobuf} (for framed input, reading goes on with the next frame). Bad spans are
 * rejected one by one ({@code invalid-id}, {@code invalid-value}, {@code missing-field}) naming the
 * OTLP/JSON field name.
 *
 * <p>Framed input is decoded straight into span views ({@link OtlpProtoSpanDecoder}, no message
 * objects), as are {@link #decode}'s in-memory request bytes; a bare request and {@link #convert}'s
 * in-memory requests go through the generated messages. Both give the same spans and rejections for
 * the same bytes.
 *
 * <p>Thread-safe: holds no per-read state ({@link #decode}'s decoder is per thread).
 */
public final class OtlpProtoTraceReader {

  /** The largest framed message accepted, in bytes. */
  public static final int MAX_MESSAGE_BYTES = SizeLimits.MAX_RECORD_BYTES;

  /** Field 1 ({@code resource_spans}), wire type 2 (length-delimited). */
  private static final int RESOURCE_SPANS_TAG = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  /** {@link #decode}'s decoder and output list, one per calling thread. */
  private static final ThreadLocal<LiveDecoder> LIVE =
      ThreadLocal.withInitial(() -> new LiveDecoder(new OtlpProtoSpanDecoder(), new ArrayList<>()));

  /** Creates a reader. */
  public OtlpProtoTraceReader() {}

  /**
   * Reads a whole input until its end. Does not close {@code in}.
   *
   * @param in the bytes
   * @param source the input's name, used in rejections
   * @param out receives each valid span, in input order
   * @param rejects receives each rejected span or message
   * @return the counts; {@code lines} is the number of messages read
   * @throws IOException if reading {@code in} fails (data errors never throw)
   */
  public ReadSummary read(
      InputStream in, String source, Consumer<SpanView> out, RejectListener rejects)
      throws IOException {
    BufferedInputStream bin = new BufferedInputStream(in, 64 * 1024);
    bin.mark(1);
    int first = bin.read();
    if (first < 0) {
      return new ReadSummary(0, 0, 0, 0);
    }
    bin.reset();
    SpanCounts c = new SpanCounts(source, out, rejects);
    if (first == 0x0A) {
      readBare(bin, c);
    } else {
      readFramed(bin, c);
    }
    return c.summary();
  }

  /**
   * Converts an in-memory request (from a live OTLP receiver) to span views.
   *
   * @param request the request
   * @param source the receiver's name, used in rejections
   * @param out receives each valid span
   * @param rejects receives each rejected span (line -1)
   * @return the counts: {@code lines} 1, spans emitted and rejected, self-parent spans (emitted as
   *     roots) as skipped
   */
  public ReadSummary convert(
      ExportTraceServiceRequest request,
      String source,
      Consumer<SpanView> out,
      RejectListener rejects) {
    Objects.requireNonNull(request, "request");
    SpanCounts c = new SpanCounts(source, out, rejects);
    for (ResourceSpans rs : request.getResourceSpansList()) {
      resourceSpans(rs, -1, c);
    }
    c.units = 1;
    return c.summary();
  }

  /**
   * Decodes the bytes of one in-memory request (a live OTLP receiver's payload) straight into span
   * views ({@link OtlpProtoSpanDecoder}: no message objects), with the same spans, rejections and
   * counts as {@link #convert} of {@code ExportTraceServiceRequest.parseFrom} of the same bytes.
   * Each calling thread reuses one decoder (its scratch spans and string cache), which keeps no
   * reference to {@code buf} after the call; {@code out} and {@code rejects} are called once the
   * whole request has been decoded, and must not call this method again on the same thread.
   *
   * @param buf holds the request
   * @param off where the request starts in {@code buf}
   * @param len the request's length, bytes
   * @param source the receiver's name, used in rejections
   * @param out receives each valid span
   * @param rejects receives each rejected span (line -1)
   * @return the counts: {@code lines} 1, spans emitted and rejected, self-parent spans (emitted as
   *     roots) as skipped
   * @throws InvalidProtocolBufferException if the bytes are not a request (as {@code parseFrom}
   *     throws); nothing has been emitted or rejected then
   * @throws IndexOutOfBoundsException if {@code off} and {@code len} are outside {@code buf}
   */
  public ReadSummary decode(
      byte[] buf, int off, int len, String source, Consumer<SpanView> out, RejectListener rejects)
      throws InvalidProtocolBufferException {
    Objects.checkFromIndexSize(off, len, buf.length);
    SpanCounts c = new SpanCounts(source, out, rejects);
    LiveDecoder live = LIVE.get();
    try {
      live.decoder.request(buf, off, len, live.decoded);
      for (Object o : live.decoded) {
        if (o instanceof SpanView span) {
          c.emit(span);
        } else {
          c.reject(-1, (BadRecord) o);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading memory does not fail otherwise
    } finally {
      live.decoded.clear();
    }
    c.units = 1;
    return c.summary();
  }

  private void readBare(InputStream in, SpanCounts c) throws IOException {
    CodedInputStream cis = CodedInputStream.newInstance(in);
    cis.setSizeLimit(
        MAX_MESSAGE_BYTES); // per resourceSpans element: the counter is reset after each
    c.units = 1;
    int element = 0;
    try {
      while (true) {
        int tag = cis.readTag();
        if (tag == 0) {
          return;
        }
        if (tag != RESOURCE_SPANS_TAG) {
          if (!cis.skipField(tag)) {
            return;
          }
          continue;
        }
        element++;
        int length = cis.readRawVarint32();
        int limit = cis.pushLimit(length);
        ResourceSpans rs = ResourceSpans.parseFrom(cis);
        cis.popLimit(limit);
        cis.resetSizeCounter();
        resourceSpans(rs, 1, c);
      }
    } catch (InvalidProtocolBufferException e) {
      c.reject(1, failure(e, "resourceSpans element " + (element == 0 ? 1 : element)));
    }
  }

  /**
   * Reads the file exporter's frames, each decoded by an {@link OtlpProtoSpanDecoder} straight from
   * the frame's bytes (which gives what {@code parseFrom} and {@link #convert} give).
   */
  private void readFramed(InputStream in, SpanCounts c) throws IOException {
    byte[] len = new byte[4];
    byte[] body = new byte[64 * 1024];
    OtlpProtoSpanDecoder decoder = new OtlpProtoSpanDecoder();
    List<Object> decoded = new ArrayList<>();
    while (true) {
      int n = in.readNBytes(len, 0, 4);
      if (n == 0) {
        return;
      }
      long messageNo = ++c.units;
      if (n < 4) {
        c.reject(
            messageNo,
            new BadRecord(RejectReason.TRUNCATED, "length prefix cut after " + n + " bytes"));
        return;
      }
      long size =
          ((len[0] & 0xffL) << 24)
              | ((len[1] & 0xff) << 16)
              | ((len[2] & 0xff) << 8)
              | (len[3] & 0xff);
      if (size > MAX_MESSAGE_BYTES) {
        c.reject(
            messageNo,
            new BadRecord(
                RejectReason.TOO_LARGE,
                "length prefix "
                    + size
                    + " exceeds the "
                    + MAX_MESSAGE_BYTES
                    + "-byte frame limit (SizeLimits); the rest is not read"));
        return;
      }
      int got;
      if (size <= body.length) {
        got = in.readNBytes(body, 0, (int) size);
      } else {
        // A larger frame: read as it comes (a length prefix alone allocates nothing), then keep
        // the array for the frames after it.
        byte[] bigger = in.readNBytes((int) size);
        got = bigger.length;
        body = got == size ? bigger : body;
      }
      if (got < size) {
        c.reject(
            messageNo,
            new BadRecord(
                RejectReason.TRUNCATED, "message has " + got + " of its " + size + " bytes"));
        return;
      }
      try {
        decoder.request(body, 0, (int) size, decoded);
      } catch (InvalidProtocolBufferException e) {
        c.reject(messageNo, failure(e, "message"));
        continue;
      }
      for (Object o : decoded) {
        if (o instanceof SpanView span) {
          c.emit(span);
        } else {
          c.reject(messageNo, (BadRecord) o);
        }
      }
      decoded.clear();
    }
  }

  /** The rejection of a message that does not parse; package-private for the equality test. */
  static BadRecord failure(InvalidProtocolBufferException e, String where) {
    String m = String.valueOf(e.getMessage());
    boolean truncated = m.contains("ended unexpectedly") || m.contains("truncated");
    if (m.contains("too large")) {
      return new BadRecord(
          RejectReason.TOO_LARGE,
          where + " exceeds the " + MAX_MESSAGE_BYTES + "-byte limit (SizeLimits): " + m);
    }
    return new BadRecord(
        truncated ? RejectReason.TRUNCATED : RejectReason.INVALID_PROTOBUF, where + ": " + m);
  }

  private static void resourceSpans(ResourceSpans rs, long messageNo, SpanCounts c) {
    OtlpResource resource = new OtlpResource();
    for (KeyValue kv : rs.getResource().getAttributesList()) {
      resource.attribute(kv.getKey(), text(kv.getValue()));
    }
    for (ScopeSpans scope : rs.getScopeSpansList()) {
      for (Span span : scope.getSpansList()) {
        try {
          c.emit(span(resource, span));
        } catch (BadRecord e) {
          c.reject(messageNo, e);
        }
      }
    }
  }

  private static SpanView span(OtlpResource resource, Span span) throws BadRecord {
    String traceId = OtlpSpans.hexId(span.getTraceId().toByteArray(), 32, "traceId", false);
    String spanId = OtlpSpans.hexId(span.getSpanId().toByteArray(), 16, "spanId", false);
    String parent = OtlpSpans.hexId(span.getParentSpanId().toByteArray(), 16, "parentSpanId", true);
    SpanKind kind = SpanKind.fromOtlp(span.getKindValue());
    var socket = resource.socketBuilder(kind);
    String threadName = null;
    for (KeyValue kv : span.getAttributesList()) {
      String text = text(kv.getValue());
      if (text != null) {
        if ("thread.name".equals(kv.getKey())) {
          threadName = text;
        } else {
          socket.set(kv.getKey(), text);
        }
      }
    }
    return OtlpSpans.view(
        resource,
        traceId,
        spanId,
        parent,
        span.getName(),
        kind,
        span.getStartTimeUnixNano(),
        span.getEndTimeUnixNano(),
        span.getStatus().getCodeValue(),
        socket,
        threadName);
  }

  /** The text of an AnyValue's scalar, or null for arrays, kvlists, bytes and empty values. */
  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> OtlpResource.doubleText(v.getDoubleValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      default -> null;
    };
  }

  /** The decoder {@link #decode} reuses on one thread, and its output list. */
  private record LiveDecoder(OtlpProtoSpanDecoder decoder, List<Object> decoded) {}
}
