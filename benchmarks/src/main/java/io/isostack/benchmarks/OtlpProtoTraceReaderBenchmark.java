package io.isostack.benchmarks;

import com.google.protobuf.ByteString;
import io.isostack.codec.OtlpProtoTraceReader;
import io.isostack.codec.ReadSummary;
import io.isostack.model.SpanView;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decode throughput of OTLP protobuf traces in the Collector file exporter's framing (each {@code
 * ExportTraceServiceRequest} prefixed by its 4-byte big-endian length): {@link
 * OtlpProtoTraceReader#read} over {@value #SPANS} spans, {@value #SPANS_PER_REQUEST} per request, 8
 * semantic-convention attributes per span under a 9-attribute Kubernetes resource, in spans per
 * second.
 *
 * <p>Baseline, same frames, same run: {@link #parseFrom} parses each frame with {@code
 * ExportTraceServiceRequest.parseFrom} and does nothing with it (issue 11: the reader should reach
 * at least 0.8 of it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
@OperationsPerInvocation(OtlpProtoTraceReaderBenchmark.SPANS)
public class OtlpProtoTraceReaderBenchmark {
  /** Spans per invocation. */
  public static final int SPANS = 20_000;

  /** Spans per request. */
  public static final int SPANS_PER_REQUEST = 10;

  private byte[] framed;

  /** Generates the frames and checks that the reader takes every span. */
  @Setup
  public void setUp() throws IOException {
    SplittableRandom r = new SplittableRandom(11);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long t = 1_772_445_600_000_000_000L;
    for (int i = 0; i < SPANS / SPANS_PER_REQUEST; i++) {
      ScopeSpans.Builder scope =
          ScopeSpans.newBuilder()
              .setScope(
                  InstrumentationScope.newBuilder()
                      .setName("io.opentelemetry.tomcat-10.0")
                      .setVersion("2.10.0-alpha"));
      for (int s = 0; s < SPANS_PER_REQUEST; s++) {
        t += 1_000_000 + r.nextInt(1_000_000);
        scope.addSpans(span(r, t));
      }
      byte[] msg =
          ExportTraceServiceRequest.newBuilder()
              .addResourceSpans(
                  ResourceSpans.newBuilder().setResource(resource(i % 2)).addScopeSpans(scope))
              .build()
              .toByteArray();
      out.write(ByteBuffer.allocate(4).putInt(msg.length).array());
      out.write(msg);
    }
    framed = out.toByteArray();
    ReadSummary s = read(span -> {});
    if (s.records() != SPANS || s.rejected() != 0) {
      throw new IllegalStateException("workload not read cleanly: " + s);
    }
  }

  private static Resource resource(int svc) {
    String name = svc == 0 ? "frontend" : "payment";
    return Resource.newBuilder()
        .addAttributes(kv("service.name", name))
        .addAttributes(kv("service.version", "1.8.2"))
        .addAttributes(kv("host.name", "node-1"))
        .addAttributes(KeyValue.newBuilder().setKey("process.pid").setValue(intValue(1)))
        .addAttributes(kv("container.id", "3f1c9a7e5b2d4c6a8e0f1b3d5c7a9e1f" + svc))
        .addAttributes(kv("k8s.pod.uid", "6b8f9d7c-4e2a-4c1b-9d3e-" + svc + "a1b2c3d4e5f6"))
        .addAttributes(kv("k8s.pod.name", name + "-6b8f9d7c4-qj2lm"))
        .addAttributes(kv("k8s.namespace.name", "shop"))
        .addAttributes(kv("telemetry.sdk.language", "java"))
        .build();
  }

  private static Span span(SplittableRandom r, long end) {
    byte[] trace = new byte[16];
    byte[] id = new byte[8];
    byte[] parent = new byte[8];
    for (int i = 0; i < 16; i++) {
      trace[i] = (byte) r.nextInt(256);
    }
    for (int i = 0; i < 8; i++) {
      id[i] = (byte) r.nextInt(256);
      parent[i] = (byte) r.nextInt(256);
    }
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(trace))
        .setSpanId(ByteString.copyFrom(id))
        .setParentSpanId(ByteString.copyFrom(parent))
        .setName("POST /pay")
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(end - 1_000_000 - r.nextInt(5_000_000))
        .setEndTimeUnixNano(end)
        .addAttributes(kv("http.request.method", "POST"))
        .addAttributes(kv("url.path", "/pay"))
        .addAttributes(kv("url.scheme", "http"))
        .addAttributes(kv("http.route", "/pay"))
        .addAttributes(kv("network.peer.address", "10.244.1.5"))
        .addAttributes(
            KeyValue.newBuilder()
                .setKey("network.peer.port")
                .setValue(intValue(40_000 + r.nextInt(20_000))))
        .addAttributes(kv("network.local.address", "10.244.1.7"))
        .addAttributes(
            KeyValue.newBuilder().setKey("http.response.status_code").setValue(intValue(200)))
        .build();
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static AnyValue intValue(long v) {
    return AnyValue.newBuilder().setIntValue(v).build();
  }

  /** The reader under test: framed bytes to validated {@code SpanView}s. */
  @Benchmark
  public ReadSummary otlpProtoTraceReader(Blackhole bh) throws IOException {
    return read(bh::consume);
  }

  private ReadSummary read(Consumer<SpanView> out) throws IOException {
    return new OtlpProtoTraceReader()
        .read(
            new ByteArrayInputStream(framed),
            "bench",
            out,
            r -> {
              throw new IllegalStateException(r.toString());
            });
  }

  /** Baseline: {@code ExportTraceServiceRequest.parseFrom} of each frame, nothing more. */
  @Benchmark
  public void parseFrom(Blackhole bh) throws IOException {
    byte[] b = framed;
    int at = 0;
    while (at < b.length) {
      int len = ByteBuffer.wrap(b, at, 4).getInt();
      bh.consume(ExportTraceServiceRequest.parseFrom(ByteBuffer.wrap(b, at + 4, len)));
      at += 4 + len;
    }
  }
}
