package io.isostack.codec;

import io.isostack.model.KernelEvent;
import java.util.function.Consumer;

/**
 * OTLP protobuf logs ({@code otlp-logs-proto}; docs/formats/05-otlp.md): one bare {@code
 * ExportLogsServiceRequest} or a sequence of 4-byte big-endian length-prefixed ones, as {@code
 * otlp-proto} is for traces. Records become events as in {@link OtlpLogEvents}.
 *
 * <p>Detected ({@link Detection#LIKELY}) when the head is protobuf (first byte {@code 0x00} or
 * {@code 0x0A} with control bytes) whose first record is a log record ({@link OtlpProtoShape}).
 * Stateless and thread-safe.
 */
final class OtlpLogsProtoFormat implements FormatReader<KernelEvent> {

  @Override
  public String name() {
    return "otlp-logs-proto";
  }

  @Override
  public int detect(InputHead head) {
    int first = head.firstByte();
    if (first != 0x00 && (first != 0x0A || !head.isBinary())) {
      return Detection.NO;
    }
    return OtlpProtoShape.of(head.bytes()) == OtlpProtoShape.Kind.LOGS
        ? Detection.LIKELY
        : Detection.POSSIBLE;
  }

  @Override
  public RecordStream open(
      String source,
      ReadContext context,
      Consumer<? super KernelEvent> out,
      RejectListener rejects) {
    return new OtlpLogsStream(false, source, context, out, rejects);
  }
}
