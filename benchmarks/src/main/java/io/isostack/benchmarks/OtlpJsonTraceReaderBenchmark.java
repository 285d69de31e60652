package io.isostack.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.codec.OtlpJsonTraceReader;
import io.isostack.codec.ReadSummary;
import io.isostack.model.SpanView;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
 * Decode throughput of OTLP/JSON traces in the Collector file exporter's NDJSON: {@link
 * OtlpJsonTraceReader#read} over {@value #SPANS} spans, {@value #SPANS_PER_LINE} per line-request,
 * each with 7–11 semantic-convention attributes under a 9-attribute Kubernetes resource, in spans
 * per second (target: 100 k/s per core).
 *
 * <p>Baseline, same lines, same run: {@link #jacksonReadTree} parses each line into a Jackson tree
 * and does nothing with it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
@OperationsPerInvocation(OtlpJsonTraceReaderBenchmark.SPANS)
public class OtlpJsonTraceReaderBenchmark {
  /** Spans per invocation. */
  public static final int SPANS = 20_000;

  /** Spans per NDJSON line (one {@code ExportTraceServiceRequest}). */
  public static final int SPANS_PER_LINE = 10;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private byte[] lines;

  /** Generates the lines and checks that the reader takes every span. */
  @Setup
  public void setUp() throws IOException {
    Workload w = new Workload(SPANS / Workload.SPANS_PER_TRACE + 1, 0.03, 600_000_000_000L, 7);
    lines = w.traces(SPANS_PER_LINE, SPANS);
    ReadSummary s = read(span -> {});
    if (s.records() != SPANS || s.rejected() != 0) {
      throw new IllegalStateException("workload not read cleanly: " + s);
    }
  }

  /** The reader under test: bytes to validated {@code SpanView}s. */
  @Benchmark
  public ReadSummary otlpJsonTraceReader(Blackhole bh) throws IOException {
    return read(bh::consume);
  }

  private ReadSummary read(Consumer<SpanView> out) throws IOException {
    return new OtlpJsonTraceReader()
        .read(
            new ByteArrayInputStream(lines),
            "bench",
            out,
            r -> {
              throw new IllegalStateException(r.toString());
            });
  }

  /** Baseline: {@code ObjectMapper.readTree} of each line, nothing more. */
  @Benchmark
  public void jacksonReadTree(Blackhole bh) throws IOException {
    byte[] b = lines;
    int start = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n') {
        bh.consume(MAPPER.readTree(b, start, i - start));
        start = i + 1;
      }
    }
  }
}
