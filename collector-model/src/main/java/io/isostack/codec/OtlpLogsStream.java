package io.isostack.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import io.isostack.model.KernelEvent;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * The {@link RecordStream} of OTLP logs files: JSON (the Collector file exporter's one request per
 * line, or one pretty-printed document) or protobuf (one bare request, or 4-byte big-endian
 * length-prefixed requests). Each request goes through {@link OtlpLogEvents}; a rejection's line is
 * the line (JSON Lines), the document's first line (1) or the message number (protobuf), and its
 * message names the record's position in the request. Not thread-safe.
 */
final class OtlpLogsStream extends LineRecordStream {
  private final boolean json;
  private final String source;
  private final OtlpLogEvents logs;
  private final Consumer<KernelEvent> out;
  private final RejectListener rejects;
  private final SkipCounts skipped = new SkipCounts();
  private long lines;
  private long records;
  private long rejected;
  private long lost;

  OtlpLogsStream(
      boolean json,
      String source,
      ReadContext context,
      Consumer<? super KernelEvent> out,
      RejectListener rejects) {
    super(OtlpProtoTraceReader.MAX_MESSAGE_BYTES);
    this.json = json;
    this.source = source;
    this.logs = new OtlpLogEvents(context.clocks(), context.defaultHost());
    this.out = out::accept;
    this.rejects = rejects;
  }

  @Override
  public boolean lineFramed() {
    return json;
  }

  @Override
  void decode(byte[] buf, int off, int len, long lineNo) {
    if (!json) {
      throw new UnsupportedOperationException(source + ": protobuf is not read line by line");
    }
    lines++;
    if (!LineSplitter.isBlank(buf, off, len)) {
      document(buf, off, len, lineNo);
    }
  }

  @Override
  void tooLong(long lineNo, int maxLineBytes) {
    lines++;
    reject(lineNo, RejectReason.LINE_TOO_LONG, "line longer than " + maxLineBytes + " bytes");
  }

  @Override
  public void read(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
    if (!json) {
      readProto(in);
      return;
    }
    in.mark(JsonEventFraming.MARK_LIMIT);
    boolean jsonLines = JsonEventFraming.firstLineIsComplete(in);
    in.reset();
    if (jsonLines) {
      super.read(in);
      return;
    }
    byte[] all = SizeLimits.readWhole(in);
    if (all == null) {
      lines++;
      reject(1, RejectReason.TOO_LARGE, SizeLimits.tooLarge("a JSON document"));
      return;
    }
    lines += countLines(all);
    document(all, 0, all.length, 1);
  }

  private void document(byte[] buf, int off, int len, long lineNo) {
    ExportLogsServiceRequest request;
    try {
      request = OtlpLogEventsJson.parse(buf, off, len);
    } catch (IllegalArgumentException e) {
      reject(lineNo, RejectReason.INVALID_JSON, e.getMessage());
      return;
    }
    request(request, lineNo);
  }

  private void readProto(InputStream in) throws IOException {
    in.mark(1);
    int first = in.read();
    in.reset();
    if (first < 0) {
      return;
    }
    if (first != 0) {
      lines++;
      byte[] all = SizeLimits.readWhole(in);
      if (all == null) {
        reject(1, RejectReason.TOO_LARGE, SizeLimits.tooLarge("a protobuf message"));
      } else {
        message(all, 1);
      }
      return;
    }
    byte[] len = new byte[4];
    for (long messageNo = 1; ; messageNo++) {
      int n = in.readNBytes(len, 0, 4);
      if (n == 0) {
        return;
      }
      lines++;
      long size =
          ((len[0] & 0xffL) << 24)
              | ((len[1] & 0xff) << 16)
              | ((len[2] & 0xff) << 8)
              | (len[3] & 0xff);
      if (n < 4) {
        reject(messageNo, RejectReason.TRUNCATED, "length prefix cut after " + n + " bytes");
        return;
      }
      if (size > OtlpProtoTraceReader.MAX_MESSAGE_BYTES) {
        reject(
            messageNo,
            RejectReason.TOO_LARGE,
            "length prefix "
                + size
                + " exceeds the "
                + OtlpProtoTraceReader.MAX_MESSAGE_BYTES
                + "-byte frame limit (SizeLimits); the rest is not read");
        return;
      }
      byte[] body = in.readNBytes((int) size);
      if (body.length < size) {
        reject(
            messageNo,
            RejectReason.TRUNCATED,
            "message has " + body.length + " of its " + size + " bytes");
        return;
      }
      message(body, messageNo);
    }
  }

  private void message(byte[] body, long messageNo) {
    try {
      request(ExportLogsServiceRequest.parseFrom(body), messageNo);
    } catch (InvalidProtocolBufferException e) {
      reject(messageNo, RejectReason.INVALID_PROTOBUF, String.valueOf(e.getMessage()));
    }
  }

  private void request(ExportLogsServiceRequest request, long lineNo) {
    ReadSummary s =
        logs.convert(
            request,
            source,
            out,
            r ->
                rejects.rejected(
                    new Rejection(
                        source,
                        lineNo,
                        r.reason(),
                        "log record " + r.line() + ": " + r.message())));
    records += s.records();
    rejected += s.rejected();
    lost = ReadSummary.plusCapped(lost, s.lost());
    s.skipped().forEach(skipped::add);
  }

  private void reject(long lineNo, String reason, String message) {
    rejected++;
    rejects.rejected(new Rejection(source, lineNo, reason, message));
  }

  private static long countLines(byte[] b) {
    long n = 0;
    for (byte x : b) {
      if (x == '\n') {
        n++;
      }
    }
    return b.length > 0 && b[b.length - 1] != '\n' ? n + 1 : n;
  }

  @Override
  public ReadSummary summary() {
    return new ReadSummary(lines, records, rejected, lost, skipped.snapshot());
  }
}
