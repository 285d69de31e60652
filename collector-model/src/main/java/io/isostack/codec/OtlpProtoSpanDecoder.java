package io.isostack.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import io.isostack.model.SpanView;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the bytes of one {@code ExportTraceServiceRequest} straight into span views with {@link
 * CodedInputStream}, without building the request's message objects: ids are turned into hex
 * straight from the request's bytes, short strings that repeat (attribute keys and values, span
 * names) come from a {@link Utf8StringCache}, the resource's attributes are read once per {@code
 * ResourceSpans}, and the parts no span view holds (the instrumentation scope, events, links, array
 * and key-value-list attribute values, unknown groups) are handed to their generated parsers only
 * to be checked.
 *
 * <p>It accepts and rejects exactly what {@code ExportTraceServiceRequest.parseFrom} followed by
 * {@link OtlpProtoTraceReader#convert} does (a test compares them): the same exceptions for the
 * same malformed bytes (truncation, bad UTF-8 in any string field, a mismatched end-group tag,
 * nesting beyond protobuf's recursion limit of {@value #RECURSION_LIMIT}), the same last-wins
 * reading of repeated scalar fields and merging of repeated message fields, and, since a span view
 * is assembled only when its {@code ResourceSpans} has ended, the same result whatever order the
 * fields come in.
 *
 * <p>Not thread-safe: one per read, or one per thread across requests (it reuses its scratch spans
 * and string cache, and keeps no reference to a request's bytes after {@link #request}).
 */
final class OtlpProtoSpanDecoder {
  /** {@code CodedInputStream}'s default recursion limit, which {@code parseFrom} applies. */
  static final int RECURSION_LIMIT = 100;

  private static final ExtensionRegistryLite NO_EXTENSIONS =
      ExtensionRegistryLite.getEmptyRegistry();

  private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int VARINT = WireFormat.WIRETYPE_VARINT;
  private static final int FIXED64 = WireFormat.WIRETYPE_FIXED64;

  private final List<RawSpan> pool = new ArrayList<>();
  private int used;
  private final Utf8StringCache strings = new Utf8StringCache(1024);

  /**
   * Ids already turned into hex, by their bytes: the spans of one trace share its trace id, and a
   * parent's span id is its children's parent id, so most ids come from here (one {@code String}
   * per id, its hash computed once for the maps that hold it), keyed by the id's bytes as longs.
   */
  private final HexIdCache ids = new HexIdCache(1024);

  /** The request being decoded: its bytes and where they start. */
  private byte[] buf;

  private int base;

  /** The text of the {@code AnyValue} being read (the last field of its oneof wins), or null. */
  private String anyText;

  /** The key of the {@code KeyValue} being read. */
  private String kvKey;

  /**
   * Decodes one request.
   *
   * @param out receives, in input order, each span's {@link SpanView} or the {@link BadRecord} that
   *     rejects it; nothing is added if the request does not parse
   * @throws InvalidProtocolBufferException if the bytes are not a request, as {@code parseFrom}
   *     would throw
   */
  void request(byte[] buf, int off, int len, List<Object> out) throws IOException {
    int start = out.size();
    this.buf = buf;
    this.base = off;
    CodedInputStream in = CodedInputStream.newInstance(buf, off, len);
    try {
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          return;
        }
        if (tag == tag(1, LEN)) {
          int limit = enter(in);
          resourceSpans(in, out);
          in.popLimit(limit);
        } else {
          unknown(in, tag, 0);
        }
      }
    } catch (IOException | RuntimeException e) {
      out.subList(start, out.size()).clear();
      throw e;
    } finally {
      this.buf = null; // a decoder kept for the next request does not hold on to this one
    }
  }

  private void resourceSpans(CodedInputStream in, List<Object> out) throws IOException {
    OtlpResource resource = new OtlpResource();
    used = 0;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      switch (tag) {
        case (1 << 3) | LEN -> {
          int limit = enter(in);
          resource(in, resource);
          in.popLimit(limit);
        }
        case (2 << 3) | LEN -> {
          int limit = enter(in);
          scopeSpans(in);
          in.popLimit(limit);
        }
        case (3 << 3) | LEN -> string(in); // schema_url
        default -> unknown(in, tag, 1);
      }
    }
    for (int i = 0; i < used; i++) {
      try {
        out.add(view(pool.get(i), resource));
      } catch (BadRecord e) {
        out.add(e);
      }
    }
  }

  private void resource(CodedInputStream in, OtlpResource resource) throws IOException {
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      switch (tag) {
        case (1 << 3) | LEN -> {
          keyValue(in, 3);
          resource.attribute(kvKey, anyText);
        }
        case (2 << 3) | VARINT -> in.readUInt32(); // dropped_attributes_count
        case (3 << 3) | LEN -> check(in, EntityRef.parser(), 2); // entity_refs
        default -> unknown(in, tag, 2);
      }
    }
  }

  private void scopeSpans(CodedInputStream in) throws IOException {
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      switch (tag) {
        case (1 << 3) | LEN -> check(in, InstrumentationScope.parser(), 2);
        case (2 << 3) | LEN -> {
          int limit = enter(in);
          span(in, next());
          in.popLimit(limit);
        }
        case (3 << 3) | LEN -> string(in); // schema_url
        default -> unknown(in, tag, 2);
      }
    }
  }

  private RawSpan next() {
    if (used == pool.size()) {
      pool.add(new RawSpan());
    }
    RawSpan s = pool.get(used++);
    s.reset();
    return s;
  }

  private void span(CodedInputStream in, RawSpan s) throws IOException {
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      switch (tag) {
        case (1 << 3) | LEN -> {
          s.traceIdLen = in.readRawVarint32();
          s.traceIdAt = skip(in, s.traceIdLen);
        }
        case (2 << 3) | LEN -> {
          s.spanIdLen = in.readRawVarint32();
          s.spanIdAt = skip(in, s.spanIdLen);
        }
        case (3 << 3) | LEN -> string(in); // trace_state
        case (4 << 3) | LEN -> {
          s.parentIdLen = in.readRawVarint32();
          s.parentIdAt = skip(in, s.parentIdLen);
        }
        case (16 << 3) | WireFormat.WIRETYPE_FIXED32 -> in.readFixed32(); // flags
        case (5 << 3) | LEN -> s.name = string(in);
        case (6 << 3) | VARINT -> s.kind = in.readEnum();
        case (7 << 3) | FIXED64 -> s.startNanos = in.readFixed64();
        case (8 << 3) | FIXED64 -> s.endNanos = in.readFixed64();
        case (9 << 3) | LEN -> {
          keyValue(in, 4);
          s.attribute(kvKey, anyText);
        }
        case (10 << 3) | VARINT, (12 << 3) | VARINT, (14 << 3) | VARINT -> in.readUInt32();
        case (11 << 3) | LEN -> check(in, Span.Event.parser(), 3);
        case (13 << 3) | LEN -> check(in, Span.Link.parser(), 3);
        case (15 << 3) | LEN -> {
          int limit = enter(in);
          status(in, s);
          in.popLimit(limit);
        }
        default -> unknown(in, tag, 3);
      }
    }
  }

  private void status(CodedInputStream in, RawSpan s) throws IOException {
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      switch (tag) {
        case (2 << 3) | LEN -> string(in); // message
        case (3 << 3) | VARINT -> s.statusCode = in.readEnum();
        default -> unknown(in, tag, 4);
      }
    }
  }

  /**
   * Reads one {@code KeyValue} into {@link #kvKey} and {@link #anyText}.
   *
   * @param depth the nesting depth of the {@code KeyValue}'s own fields
   */
  private void keyValue(CodedInputStream in, int depth) throws IOException {
    int limit = enter(in);
    kvKey = "";
    anyText = null;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      switch (tag) {
        case (1 << 3) | LEN -> kvKey = string(in);
        case (2 << 3) | LEN -> {
          int inner = enter(in);
          anyValue(in, depth + 1);
          in.popLimit(inner);
        }
        case (3 << 3) | VARINT -> in.readInt32(); // key_strindex
        default -> unknown(in, tag, depth);
      }
    }
    in.popLimit(limit);
  }

  /**
   * Reads one {@code AnyValue} into {@link #anyText}: the text of its scalar, or null for arrays,
   * key-value lists, bytes, string-table references and empty values (as {@link
   * OtlpProtoTraceReader}'s message conversion).
   */
  private void anyValue(CodedInputStream in, int depth) throws IOException {
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      switch (tag) {
        case (1 << 3) | LEN -> anyText = string(in);
        case (2 << 3) | VARINT -> anyText = Boolean.toString(in.readBool());
        case (3 << 3) | VARINT -> anyText = Long.toString(in.readInt64());
        case (4 << 3) | FIXED64 -> anyText = OtlpResource.doubleText(in.readDouble());
        case (5 << 3) | LEN -> {
          check(in, ArrayValue.parser(), depth);
          anyText = null;
        }
        case (6 << 3) | LEN -> {
          check(in, KeyValueList.parser(), depth);
          anyText = null;
        }
        case (7 << 3) | LEN -> {
          in.skipField(tag); // bytes_value
          anyText = null;
        }
        case (8 << 3) | VARINT -> {
          in.readInt32(); // string_value_strindex
          anyText = null;
        }
        default -> unknown(in, tag, depth);
      }
    }
  }

  /**
   * Reads a string field's value as {@link CodedInputStream#readStringRequireUtf8} does, taking
   * short strings from the cache when the same bytes were decoded before.
   */
  private String string(CodedInputStream in) throws IOException {
    int room = in.getBytesUntilLimit(); // -1 when no limit is set: not inside a message
    if (room < 1) {
      return in.readStringRequireUtf8();
    }
    int at = base + in.getTotalBytesRead();
    int len = buf[at]; // a one-byte length prefix when in 0..127
    if (len < 0 || len > Utf8StringCache.MAX_CACHED_BYTES || room < 1 + len) {
      return in.readStringRequireUtf8();
    }
    String s = strings.get(buf, at + 1, len);
    if (s != null) {
      in.skipRawBytes(1 + len);
      return s;
    }
    s = in.readStringRequireUtf8();
    strings.put(buf, at + 1, len, s);
    return s;
  }

  /** Skips {@code len} bytes as {@code readByteArray} would read them; returns where they start. */
  private int skip(CodedInputStream in, int len) throws IOException {
    int at = base + in.getTotalBytesRead();
    in.skipRawBytes(len);
    return at;
  }

  /** Reads a length prefix and limits the input to it; returns the limit to restore. */
  private static int enter(CodedInputStream in) throws IOException {
    return in.pushLimit(in.readRawVarint32());
  }

  private static int tag(int field, int wireType) {
    return (field << 3) | wireType;
  }

  /**
   * Parses a length-delimited sub-message with its generated parser and drops it: what {@code
   * parseFrom} checks in it (UTF-8, nesting, end-group tags) is checked the same way.
   *
   * @param depth how many messages enclose the sub-message in a whole-request parse
   */
  private static void check(CodedInputStream in, Parser<? extends MessageLite> parser, int depth)
      throws IOException {
    int previous = in.setRecursionLimit(RECURSION_LIMIT - depth);
    try {
      in.readMessage(parser, NO_EXTENSIONS);
    } finally {
      in.setRecursionLimit(previous);
    }
  }

  /**
   * Skips a field this decoder does not read, as the generated code's unknown-field handling would:
   * groups are parsed under the recursion limit; an end-group tag that closes nothing fails as
   * {@code parseFrom} fails on it.
   */
  private static void unknown(CodedInputStream in, int tag, int depth) throws IOException {
    int wireType = WireFormat.getTagWireType(tag);
    if (wireType == WireFormat.WIRETYPE_START_GROUP) {
      int previous = in.setRecursionLimit(RECURSION_LIMIT - depth);
      try {
        UnknownFieldSet.newBuilder().mergeFieldFrom(tag, in);
      } finally {
        in.setRecursionLimit(previous);
      }
    } else if (!in.skipField(tag)) {
      in.checkLastTagWas(0); // an end-group tag: throws "end-group tag did not match"
    }
  }

  /** One span's fields as read, the ids as where they are in the request's bytes. */
  private static final class RawSpan extends OtlpRawSpan {
    int traceIdAt;
    int traceIdLen;
    int spanIdAt;
    int spanIdLen;
    int parentIdAt;
    int parentIdLen;

    @Override
    void reset() {
      traceIdLen = 0;
      spanIdLen = 0;
      parentIdLen = 0;
      super.reset();
    }
  }

  /** A span's view; its ids are read from {@link #buf}, the request's bytes. */
  private SpanView view(RawSpan s, OtlpResource resource) throws BadRecord {
    String trace = id(s.traceIdAt, s.traceIdLen, 32, "traceId", false);
    String span = id(s.spanIdAt, s.spanIdLen, 16, "spanId", false);
    String parent = id(s.parentIdAt, s.parentIdLen, 16, "parentSpanId", true);
    return s.view(resource, trace, span, parent);
  }

  /**
   * The hex of the id in {@code buf[at, at+len)} as {@link OtlpSpans#hexId} gives it (and rejects
   * it), from {@link #ids} when the same bytes were turned into hex before.
   */
  private String id(int at, int len, int hexChars, String field, boolean optional)
      throws BadRecord {
    if (len * 2 == hexChars) {
      String cached = ids.get(buf, at, len);
      if (cached != null) {
        return cached;
      }
    }
    String hex = OtlpSpans.hexId(buf, at, len, hexChars, field, optional);
    if (hex != null) {
      ids.put(buf, at, len, hex);
    }
    return hex;
  }
}
