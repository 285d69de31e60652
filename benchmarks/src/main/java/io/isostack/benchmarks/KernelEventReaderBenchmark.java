package io.isostack.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.isostack.clock.ClockConverter;
import io.isostack.codec.KernelEventReader;
import io.isostack.codec.ReadSummary;
import io.isostack.model.KernelEvent;
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
 * Decode throughput of the canonical kernel-event stream: {@link KernelEventReader#read} over
 * {@value #EVENTS} in-memory lines (the {@link Workload} mix: run-queue latency, block I/O,
 * retransmits, CFS throttling), in events per second (target: 1 M/s per core).
 *
 * <p>Baselines, same lines, same run: {@link #jacksonTokens} creates one Jackson streaming parser
 * per line and walks its tokens without reading a value (the floor any Jackson-based reader pays);
 * {@link #jacksonTokensAndValues} also reads every scalar as text or a number (the reader's work
 * minus building {@code KernelEvent}s and validating).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
@OperationsPerInvocation(KernelEventReaderBenchmark.EVENTS)
public class KernelEventReaderBenchmark {
  /** Events per invocation. */
  public static final int EVENTS = 100_000;

  private static final JsonFactory JSON = new JsonFactory();

  private byte[] lines;

  /** Generates the lines and checks that the reader takes every one of them. */
  @Setup
  public void setUp() throws IOException {
    lines = new Workload(0, 0, 100_000_000_000L, 42).events(EVENTS);
    long[] seen = new long[1];
    ReadSummary s = read(e -> seen[0]++);
    if (s.records() != EVENTS || s.rejected() != 0 || seen[0] != EVENTS) {
      throw new IllegalStateException("workload not read cleanly: " + s);
    }
  }

  /** The reader under test: bytes to {@code KernelEvent}s, clock conversion included. */
  @Benchmark
  public ReadSummary kernelEventReader(Blackhole bh) throws IOException {
    return read(bh::consume);
  }

  private ReadSummary read(Consumer<KernelEvent> out) throws IOException {
    return new KernelEventReader(new ClockConverter(), Workload.HOST)
        .read(
            new ByteArrayInputStream(lines),
            "bench",
            out,
            r -> {
              throw new IllegalStateException(r.toString());
            });
  }

  /** Baseline: one parser per line, tokens only. */
  @Benchmark
  public long jacksonTokens() throws IOException {
    long tokens = 0;
    byte[] b = lines;
    int start = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n') {
        try (JsonParser p = JSON.createParser(b, start, i - start)) {
          while (p.nextToken() != null) {
            tokens++;
          }
        }
        start = i + 1;
      }
    }
    return tokens;
  }

  /**
   * Baseline: one parser over all the lines (root-value separation), every scalar read as text or a
   * long: the floor of a reader that no longer pays a parser per line.
   */
  @Benchmark
  public void jacksonOneParserTokensAndValues(Blackhole bh) throws IOException {
    try (JsonParser p = JSON.createParser(lines)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME) {
          bh.consume(p.currentName());
        } else if (t == JsonToken.VALUE_STRING) {
          bh.consume(p.getText());
        } else if (t == JsonToken.VALUE_NUMBER_INT) {
          bh.consume(p.getLongValue());
        }
      }
    }
  }

  /** Baseline: one parser per line, every scalar read as text or a long. */
  @Benchmark
  public void jacksonTokensAndValues(Blackhole bh) throws IOException {
    byte[] b = lines;
    int start = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n') {
        try (JsonParser p = JSON.createParser(b, start, i - start)) {
          for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
            if (t == JsonToken.FIELD_NAME) {
              bh.consume(p.currentName());
            } else if (t == JsonToken.VALUE_STRING) {
              bh.consume(p.getText());
            } else if (t == JsonToken.VALUE_NUMBER_INT) {
              bh.consume(p.getLongValue());
            }
          }
        }
        start = i + 1;
      }
    }
  }
}
