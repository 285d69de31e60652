package io.isostack.benchmarks;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Spans for {@link OverloadBench}: one 10-span trace recorded once with the OpenTelemetry SDK (a
 * server root and nine children on one host), replayed with a fresh trace id and the current time
 * for every trace; or, for the endless trace, spans of one trace whose root never comes. Not
 * thread-safe: one generator thread.
 */
final class BenchSpans {
  private static final int TRACE_SPANS = 10;
  private static final String PREFIX =
      String.format(Locale.ROOT, "%016x", ThreadLocalRandom.current().nextLong());

  private final List<SpanData> template;
  private final boolean endless;
  private final String endlessTraceId = PREFIX + "ffffffffffffffff";
  private long traces;
  private long spans;

  BenchSpans(boolean endless) {
    this.endless = endless;
    this.template = record();
  }

  /** The next {@code n} spans (whole traces unless endless). */
  List<SpanData> batch(int n) {
    List<SpanData> out = new ArrayList<>(n);
    long now = System.currentTimeMillis() * 1_000_000L;
    while (out.size() < n) {
      if (endless) {
        SpanData base = template.get(1);
        String spanId = String.format(Locale.ROOT, "%016x", ++spans);
        out.add(new Replayed(base, endlessTraceId, spanId, "00000000000000aa", now));
      } else {
        String traceId = PREFIX + String.format(Locale.ROOT, "%016x", ++traces);
        for (SpanData base : template) {
          String parent =
              base.getParentSpanContext().isValid()
                  ? base.getParentSpanContext().getSpanId()
                  : null;
          out.add(new Replayed(base, traceId, base.getSpanContext().getSpanId(), parent, now));
        }
      }
    }
    return out;
  }

  private static List<SpanData> record() {
    List<SpanData> recorded = new ArrayList<>();
    SpanExporter capture =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            recorded.addAll(spans);
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        "bench-backend",
                        AttributeKey.stringKey("host.name"),
                        "node-1",
                        AttributeKey.longKey("process.pid"),
                        4242L)));
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(SimpleSpanProcessor.create(capture))
            .build()) {
      Tracer tracer = provider.get("bench");
      Span root = tracer.spanBuilder("GET /pay").setSpanKind(SpanKind.SERVER).startSpan();
      Context parent = Context.current().with(root);
      for (int i = 1; i < TRACE_SPANS; i++) {
        tracer
            .spanBuilder("SELECT " + i)
            .setParent(parent)
            .setSpanKind(SpanKind.CLIENT)
            .startSpan()
            .end();
      }
      root.end();
    }
    List<SpanData> ordered = new ArrayList<>();
    for (SpanData s : recorded) {
      if (!s.getParentSpanContext().isValid()) {
        ordered.add(0, s);
      } else {
        ordered.add(s);
      }
    }
    return ordered;
  }

  /** A recorded span with another trace id, span id, parent and time (1 ms per child). */
  private static final class Replayed extends DelegatingSpanData {
    private final SpanContext context;
    private final SpanContext parent;
    private final long start;
    private final long end;

    Replayed(SpanData base, String traceId, String spanId, String parentSpanId, long now) {
      super(base);
      TraceFlags sampled = TraceFlags.getSampled();
      this.context = SpanContext.create(traceId, spanId, sampled, TraceState.getDefault());
      this.parent =
          parentSpanId == null
              ? SpanContext.getInvalid()
              : SpanContext.create(traceId, parentSpanId, sampled, TraceState.getDefault());
      boolean root = parentSpanId == null;
      this.start = now - (root ? 12_000_000L : 10_000_000L);
      this.end = now - (root ? 0 : 9_000_000L);
    }

    @Override
    public SpanContext getSpanContext() {
      return context;
    }

    @Override
    public SpanContext getParentSpanContext() {
      return parent;
    }

    @Override
    public long getStartEpochNanos() {
      return start;
    }

    @Override
    public long getEndEpochNanos() {
      return end;
    }
  }
}
