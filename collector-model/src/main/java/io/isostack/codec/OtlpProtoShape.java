package io.isostack.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * Tells an OTLP protobuf traces export from a logs export by its first record, for detection: both
 * start with field 1 ({@code resource_spans}, {@code resource_logs}) and field 2 of that ({@code
 * scope_spans}, {@code scope_logs}), but a {@code Span} starts with its 16-byte {@code trace_id}
 * (field 1, length-delimited) and a {@code LogRecord} never has a length-delimited field 1 ({@code
 * time_unix_nano} is fixed64). A 4-byte big-endian length prefix is skipped.
 *
 * <p>Stateless and thread-safe.
 */
final class OtlpProtoShape {
  /** The first record's kind. */
  enum Kind {
    SPANS,
    LOGS,
    UNKNOWN
  }

  private static final int LENGTH_DELIMITED_1 = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int LENGTH_DELIMITED_2 = (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private OtlpProtoShape() {}

  /** The kind of the first record in the head of a bare or length-prefixed export. */
  static Kind of(byte[] head) {
    int off = head.length > 4 && head[0] == 0 ? 4 : 0;
    try {
      CodedInputStream in = CodedInputStream.newInstance(head, off, head.length - off);
      if (!enter(in, LENGTH_DELIMITED_1) || !enter(in, LENGTH_DELIMITED_2)) {
        return Kind.UNKNOWN;
      }
      if (!enter(in, LENGTH_DELIMITED_2)) {
        return Kind.UNKNOWN;
      }
      return in.readTag() == LENGTH_DELIMITED_1 ? Kind.SPANS : Kind.LOGS;
    } catch (IOException e) {
      return Kind.UNKNOWN; // the head ends inside the first record, or it is no protobuf
    }
  }

  /** Skips fields up to the first with {@code tag}, then reads its length; false if none. */
  private static boolean enter(CodedInputStream in, int tag) throws IOException {
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (t == tag) {
        in.readRawVarint32();
        return true;
      }
      if (!in.skipField(t)) {
        return false;
      }
    }
    return false;
  }
}
