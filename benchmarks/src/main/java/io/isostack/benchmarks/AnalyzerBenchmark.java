package io.isostack.benchmarks;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.KernelEventReader;
import io.isostack.codec.OtlpJsonTraceReader;
import io.isostack.codec.ReadSummary;
import io.isostack.correlator.engine.Analyzer;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * End-to-end throughput of one offline analysis ({@link Analyzer}: addSpan → finishSpans → addEvent
 * × N → findings) on {@value #TRACES} traces ({@value #SPANS} spans, 3 % with a slow hop) and
 * {@value #EVENTS} kernel events over {@value #TIMELINE_SECONDS} s, in events per second.
 *
 * <p>{@link #readAndAnalyze} decodes the events from canonical bytes and analyses them; its
 * baseline {@link #readEventsOnly} decodes the same bytes and drops the events (so the difference
 * is the engine's cost). {@link #analyzeDecoded} feeds already-decoded events: the engine alone.
 * {@link #spanPhase} is the horizontal step alone (trace assembly, self times, slow-hop detection),
 * in spans per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
public class AnalyzerBenchmark {
  /** Traces analysed. */
  public static final int TRACES = 10_000;

  /** Spans analysed. */
  public static final int SPANS = TRACES * Workload.SPANS_PER_TRACE;

  /** Kernel events per invocation. */
  public static final int EVENTS = 1_000_000;

  static final long TIMELINE_SECONDS = 2_000;

  private RuleTable rules;
  private AnalyzerSettings options;
  private List<SpanView> spans;
  private byte[] eventBytes;
  private KernelEvent[] events;

  /** Generates the inputs, decodes them once, and prints what one analysis of them finds. */
  @Setup
  public void setUp() throws IOException {
    Workload w = new Workload(TRACES, 0.03, TIMELINE_SECONDS * 1_000_000_000L, 5);
    rules = RuleTable.defaults();
    options = AnalyzerSettings.defaults().withDefaultHost(Workload.HOST);
    spans = new ArrayList<>(SPANS);
    ReadSummary s =
        new OtlpJsonTraceReader()
            .read(
                new ByteArrayInputStream(w.traces(10, Long.MAX_VALUE)),
                "traces",
                spans::add,
                r -> {
                  throw new IllegalStateException(r.toString());
                });
    if (s.records() != SPANS) {
      throw new IllegalStateException("traces not read cleanly: " + s);
    }
    eventBytes = w.events(EVENTS);
    List<KernelEvent> decoded = new ArrayList<>(EVENTS);
    readEvents(decoded::add);
    events = decoded.toArray(new KernelEvent[0]);
    if (events.length != EVENTS) {
      throw new IllegalStateException("events not read cleanly: " + events.length);
    }
    Analyzer a = newAnalyzer();
    readEvents(a::addEvent);
    List<Finding> findings = a.findings();
    Map<String, Integer> verdicts = new TreeMap<>();
    for (Finding f : findings) {
      verdicts.merge(f.layer().code() + " " + f.cause(), 1, Integer::sum);
    }
    System.out.printf(
        "%nworkload: %d spans, %d slow payment spans, %d events (%.1f MB);"
            + " events kept near slow hops %d (%.1f %%), outside %d; findings %d %s%n",
        SPANS,
        w.slowCount(),
        EVENTS,
        eventBytes.length / 1e6,
        a.eventsIndexed(),
        100.0 * a.eventsIndexed() / EVENTS,
        a.eventsOutsideWindows(),
        findings.size(),
        verdicts);
  }

  private Analyzer newAnalyzer() {
    Analyzer a = new Analyzer(rules, options);
    for (SpanView s : spans) {
      a.addSpan(s);
    }
    a.finishSpans();
    return a;
  }

  private ReadSummary readEvents(Consumer<KernelEvent> out) throws IOException {
    return new KernelEventReader(new ClockConverter(), Workload.HOST)
        .read(
            new ByteArrayInputStream(eventBytes),
            "events",
            out,
            r -> {
              throw new IllegalStateException(r.toString());
            });
  }

  /** Read the canonical bytes and analyse: what {@code correlator analyze} does past its spans. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public List<Finding> readAndAnalyze() throws IOException {
    Analyzer a = newAnalyzer();
    readEvents(a::addEvent);
    return a.findings();
  }

  /** Baseline: read the same bytes, no analysis. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public ReadSummary readEventsOnly(Blackhole bh) throws IOException {
    return readEvents(bh::consume);
  }

  /** The engine alone: decoded events in, findings out. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public List<Finding> analyzeDecoded() {
    Analyzer a = newAnalyzer();
    for (KernelEvent e : events) {
      a.addEvent(e);
    }
    return a.findings();
  }

  /** The horizontal step alone: spans in, slow hops out. */
  @Benchmark
  @OperationsPerInvocation(SPANS)
  public int spanPhase() {
    return newAnalyzer().finishSpans().size();
  }
}
