package io.isostack.codec;

import io.isostack.model.SpanView;
import java.util.function.Consumer;

/**
 * Zipkin v2 JSON traces ({@code zipkin}; zipkin2-api.yaml): a list of spans or a list of traces,
 * read by {@link ZipkinJsonTraceReader}.
 *
 * <p>Detected ({@link Detection#CERTAIN}) when the head is a JSON array holding {@code "traceId"}
 * and an {@code "id"} key, which no OTLP document (an object with {@code spanId}) has. Stateless
 * and thread-safe.
 */
final class ZipkinJsonTraceFormat implements FormatReader<SpanView> {

  @Override
  public String name() {
    return "zipkin";
  }

  @Override
  public int detect(InputHead head) {
    if (head.isBinary() || !head.recordsStartWith('[')) {
      return Detection.NO;
    }
    return head.contains("\"traceId\"") && head.contains("\"id\"")
        ? Detection.CERTAIN
        : Detection.POSSIBLE;
  }

  @Override
  public RecordStream open(
      String source, ReadContext context, Consumer<? super SpanView> out, RejectListener rejects) {
    ZipkinJsonTraceReader reader = new ZipkinJsonTraceReader();
    Consumer<SpanView> sink = out::accept;
    return new WholeInputStream(source, (in, s, r) -> reader.read(in, s, sink, r), rejects);
  }
}
