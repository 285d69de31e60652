package io.isostack.codec;

import io.isostack.model.SpanView;
import java.util.function.Consumer;

/**
 * OTLP/JSON traces ({@code otlp-json}; docs/formats/05-otlp.md): the Collector's file-exporter
 * NDJSON or one document, read by {@link OtlpJsonTraceReader}.
 *
 * <p>Detected ({@link Detection#CERTAIN}) when the head mentions {@code "resourceSpans"} (or the
 * snake_case {@code "resource_spans"}). Stateless and thread-safe.
 */
final class OtlpJsonTraceFormat implements FormatReader<SpanView> {

  @Override
  public String name() {
    return "otlp-json";
  }

  @Override
  public int detect(InputHead head) {
    if (head.isBinary() || !head.recordsStartWith('{')) {
      return Detection.NO;
    }
    return head.contains("\"resourceSpans\"") || head.contains("\"resource_spans\"")
        ? Detection.CERTAIN
        : Detection.POSSIBLE;
  }

  @Override
  public RecordStream open(
      String source, ReadContext context, Consumer<? super SpanView> out, RejectListener rejects) {
    OtlpJsonTraceReader reader = new OtlpJsonTraceReader();
    Consumer<SpanView> sink = out::accept;
    return new WholeInputStream(source, (in, s, r) -> reader.read(in, s, sink, r), rejects);
  }
}
