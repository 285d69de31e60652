package io.isostack.codec;

import io.isostack.model.SpanView;
import java.util.function.Consumer;

/**
 * OTLP protobuf traces ({@code otlp-proto}; docs/formats/05-otlp.md): one bare {@code
 * ExportTraceServiceRequest} or a sequence of 4-byte length-prefixed ones, read by {@link
 * OtlpProtoTraceReader}.
 *
 * <p>Detected ({@link Detection#LIKELY}) when the first byte is {@code 0x00} (the high byte of a
 * length prefix), or {@code 0x0A} (field 1, length-delimited) in a head that holds control bytes:
 * text that merely starts with an empty line is not protobuf; {@link Detection#POSSIBLE} when its
 * first record is a log record ({@link OtlpProtoShape}). Stateless and thread-safe.
 */
final class OtlpProtoTraceFormat implements FormatReader<SpanView> {

  @Override
  public String name() {
    return "otlp-proto";
  }

  @Override
  public int detect(InputHead head) {
    int first = head.firstByte();
    if (first != 0x00 && (first != 0x0A || !head.isBinary())) {
      return Detection.NO;
    }
    return OtlpProtoShape.of(head.bytes()) == OtlpProtoShape.Kind.LOGS
        ? Detection.POSSIBLE
        : Detection.LIKELY;
  }

  @Override
  public RecordStream open(
      String source, ReadContext context, Consumer<? super SpanView> out, RejectListener rejects) {
    OtlpProtoTraceReader reader = new OtlpProtoTraceReader();
    Consumer<SpanView> sink = out::accept;
    return new WholeInputStream(source, (in, s, r) -> reader.read(in, s, sink, r), rejects);
  }
}
