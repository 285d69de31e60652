package io.isostack.codec;

import io.isostack.model.KernelEvent;
import java.util.function.Consumer;

/**
 * OTLP/JSON logs ({@code otlp-logs-json}; docs/formats/05-otlp.md): the Collector file exporter's
 * one {@code ExportLogsServiceRequest} per line, or one document (opentelemetry-proto's {@code
 * examples/logs.json}). Records with canonical attributes become that event, any other record a
 * {@code log} event ({@link OtlpLogEvents}).
 *
 * <p>Detected ({@link Detection#CERTAIN}) when the head mentions {@code "resourceLogs"} (or the
 * snake_case {@code "resource_logs"}). Stateless and thread-safe.
 */
final class OtlpLogsJsonFormat implements FormatReader<KernelEvent> {

  @Override
  public String name() {
    return "otlp-logs-json";
  }

  @Override
  public int detect(InputHead head) {
    if (head.isBinary() || !head.recordsStartWith('{')) {
      return Detection.NO;
    }
    return head.contains("\"resourceLogs\"") || head.contains("\"resource_logs\"")
        ? Detection.CERTAIN
        : Detection.POSSIBLE;
  }

  @Override
  public RecordStream open(
      String source,
      ReadContext context,
      Consumer<? super KernelEvent> out,
      RejectListener rejects) {
    return new OtlpLogsStream(true, source, context, out, rejects);
  }
}
