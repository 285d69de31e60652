package io.isostack.codec;

import io.isostack.model.SpanView;
import java.util.function.Consumer;

/**
 * Jaeger JSON traces ({@code jaeger}; docs/formats/06-jaeger-json.md): the query API v1 envelope or
 * the UI's trace download, read by {@link JaegerJsonTraceReader}.
 *
 * <p>Detected ({@link Detection#CERTAIN}) when the head, an object or an array, holds Jaeger's
 * {@code "traceID"} key (upper-case {@code ID}; OTLP and Zipkin write {@code traceId}) with {@code
 * "spanID"} or {@code "spans"}. Jaeger tags are {@code {"key","type","value"}} objects, so the head
 * also matches the bpftrace {@code "type"} rule and any attribute name: this rank wins over them.
 * Stateless and thread-safe.
 */
final class JaegerJsonTraceFormat implements FormatReader<SpanView> {

  @Override
  public String name() {
    return "jaeger";
  }

  @Override
  public int detect(InputHead head) {
    if (head.isBinary() || !(head.recordsStartWith('{') || head.recordsStartWith('['))) {
      return Detection.NO;
    }
    return head.contains("\"traceID\"")
            && (head.contains("\"spanID\"") || head.contains("\"spans\""))
        ? Detection.CERTAIN
        : Detection.POSSIBLE;
  }

  @Override
  public RecordStream open(
      String source, ReadContext context, Consumer<? super SpanView> out, RejectListener rejects) {
    JaegerJsonTraceReader reader = new JaegerJsonTraceReader();
    Consumer<SpanView> sink = out::accept;
    return new WholeInputStream(source, (in, s, r) -> reader.read(in, s, sink, r), rejects);
  }
}
