package io.isostack.benchmarks;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live bench's load: 10-span traces (a server root, nine client children, one host and pid)
 * made with the OpenTelemetry Java SDK's tracer and sent by its {@link BatchSpanProcessor} through
 * {@link OtlpGrpcSpanExporter} ({@code clients} providers, each its own processor and connection,
 * since a processor exports one batch at a time); one trace in {@code slowEvery} has a 300 ms
 * child, a slow hop that becomes a finding. Kernel events ({@code sched.runq_latency} of 100 pids
 * of the same host, one in a hundred the spans' pid, current times) go as NDJSON over HTTP to
 * {@code /v1/kernel-events} at {@code eventsPerSpan} times the span rate, in batches of 1 000, 4 in
 * flight. Counters are cumulative; {@link #run} paces in 1 ms slots. Not thread-safe: one caller.
 */
final class LiveLoad implements AutoCloseable {
  private static final int TRACE_SPANS = 10;
  private static final int EVENT_BATCH = 1000;
  private static final long MS = 1_000_000L;
  private static final AttributeKey<String> HOST = AttributeKey.stringKey("host.name");

  /** Cumulative counts: spans made, handed to the exporters, acknowledged, failed; events. */
  record Counts(
      long spansMade,
      long spansExported,
      long spansAcked,
      long spansFailed,
      long eventsSent,
      long eventsAcked,
      long eventsRefused) {
    Counts minus(Counts o) {
      return new Counts(
          spansMade - o.spansMade,
          spansExported - o.spansExported,
          spansAcked - o.spansAcked,
          spansFailed - o.spansFailed,
          eventsSent - o.eventsSent,
          eventsAcked - o.eventsAcked,
          eventsRefused - o.eventsRefused);
    }
  }

  private final List<SdkTracerProvider> providers = new ArrayList<>();
  private final List<Tracer> tracers = new ArrayList<>();
  private final URI events;
  private final double eventsPerSpan;
  private final int slowEvery;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Semaphore eventsInFlight = new Semaphore(4);
  private final AtomicLong exported = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong eventsAcked = new AtomicLong();
  private final AtomicLong eventsRefused = new AtomicLong();
  private long made;
  private long eventsSent;
  private long traces;

  /**
   * @param grpcEndpoint the OTLP/gRPC endpoint, {@code http://127.0.0.1:PORT}
   * @param events the kernel-event endpoint, or null for spans only
   */
  LiveLoad(String grpcEndpoint, URI events, int clients, double eventsPerSpan, int slowEvery) {
    this.events = events;
    this.eventsPerSpan = eventsPerSpan;
    this.slowEvery = slowEvery;
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        "bench-backend",
                        HOST,
                        "node-1",
                        AttributeKey.longKey("process.pid"),
                        4242L)));
    for (int i = 0; i < clients; i++) {
      SpanExporter exporter =
          new Counting(
              OtlpGrpcSpanExporter.builder()
                  .setEndpoint(grpcEndpoint)
                  .setTimeout(Duration.ofSeconds(10))
                  .build());
      SdkTracerProvider p =
          SdkTracerProvider.builder()
              .setResource(resource)
              .addSpanProcessor(
                  BatchSpanProcessor.builder(exporter)
                      .setMaxQueueSize(1 << 16)
                      .setMaxExportBatchSize(512)
                      .setScheduleDelay(Duration.ofMillis(20))
                      .setExporterTimeout(Duration.ofSeconds(30))
                      .build())
              .build();
      providers.add(p);
      tracers.add(p.get("io.isostack.benchmarks.LiveBench"));
    }
  }

  /** Offers {@code spansPerSecond} for {@code seconds}, then flushes the processors. */
  Counts run(long spansPerSecond, double seconds) throws InterruptedException {
    pace(spansPerSecond, seconds, true);
    flush();
    return counts();
  }

  /**
   * Keeps the kernel events flowing at {@code eventsPerSpan} times {@code spansPerSecond} for
   * {@code seconds} without making traces, as an eBPF producer keeps running when requests stop,
   * then waits for the posts in flight. The last traces of a {@link #run} then complete as in the
   * steady state; a stopped stream would hold each of them for the server's whole event lateness,
   * since nothing could tell it their events are in. Just waits when there is no event endpoint.
   */
  void eventsOnly(long spansPerSecond, double seconds) throws InterruptedException {
    pace(spansPerSecond, seconds, false);
    eventsInFlight.acquire(4);
    eventsInFlight.release(4);
  }

  private void pace(long spansPerSecond, double seconds, boolean spans)
      throws InterruptedException {
    long t0 = System.nanoTime();
    long epoch0 = System.currentTimeMillis() * MS;
    long length = (long) (seconds * 1e9);
    long traces0 = traces;
    long events0 = eventsSent;
    for (long elapsed; (elapsed = System.nanoTime() - t0) < length; ) {
      long dueTraces = elapsed * spansPerSecond / TRACE_SPANS / 1_000_000_000L;
      while (spans && traces - traces0 < dueTraces) {
        trace(epoch0 + System.nanoTime() - t0);
      }
      long dueSpans = spans ? (traces - traces0) * TRACE_SPANS : dueTraces * TRACE_SPANS;
      long dueEvents = (long) (dueSpans * eventsPerSpan);
      // A slow event endpoint must not hold up the spans: a batch waits for a free slot.
      while (events != null
          && eventsSent - events0 + EVENT_BATCH <= dueEvents
          && eventsInFlight.tryAcquire()) {
        postEvents(epoch0 + System.nanoTime() - t0);
      }
      TimeUnit.MILLISECONDS.sleep(1);
    }
  }

  /** Exports what the processors hold and waits for the event posts in flight. */
  void flush() throws InterruptedException {
    List<CompletableResultCode> all = new ArrayList<>();
    for (SdkTracerProvider p : providers) {
      all.add(p.forceFlush());
    }
    CompletableResultCode.ofAll(all).join(60, TimeUnit.SECONDS);
    eventsInFlight.acquire(4);
    eventsInFlight.release(4);
  }

  Counts counts() {
    return new Counts(
        made,
        exported.get(),
        acked.get(),
        failed.get(),
        eventsSent,
        eventsAcked.get(),
        eventsRefused.get());
  }

  private void trace(long nowEpochNanos) {
    Tracer tracer = tracers.get((int) (traces % tracers.size()));
    boolean slow = slowEvery > 0 && traces % slowEvery == 0;
    traces++;
    long start = nowEpochNanos - (slow ? 312 : 12) * MS;
    Span root =
        tracer
            .spanBuilder("GET /pay")
            .setSpanKind(SpanKind.SERVER)
            .setNoParent()
            .setStartTimestamp(start, TimeUnit.NANOSECONDS)
            .startSpan();
    Context parent = Context.root().with(root);
    long at = start + MS;
    for (int i = 1; i < TRACE_SPANS; i++) {
      long length = slow && i == 5 ? 300 * MS : MS;
      tracer
          .spanBuilder("SELECT " + i)
          .setParent(parent)
          .setSpanKind(SpanKind.CLIENT)
          .setStartTimestamp(at, TimeUnit.NANOSECONDS)
          .startSpan()
          .end(at + length, TimeUnit.NANOSECONDS);
      at += length + 100_000L;
    }
    root.end(nowEpochNanos, TimeUnit.NANOSECONDS);
    made += TRACE_SPANS;
  }

  /** Posts one batch of events; the caller holds one of {@link #eventsInFlight}'s permits. */
  private void postEvents(long nowEpochNanos) {
    StringBuilder b = new StringBuilder(EVENT_BATCH * 170);
    for (int i = 0; i < EVENT_BATCH; i++) {
      int pid = i % 100 == 0 ? 4242 : 1000 + i % 100;
      BenchEvents.runqLatency(b, "node-1", nowEpochNanos - (EVENT_BATCH - i) * 1000L, pid);
    }
    eventsSent += EVENT_BATCH;
    http.sendAsync(
            HttpRequest.newBuilder(events)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(b.toString(), StandardCharsets.UTF_8))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (r, e) -> {
              (e == null && r.statusCode() == 200 ? eventsAcked : eventsRefused)
                  .addAndGet(EVENT_BATCH);
              eventsInFlight.release();
            });
  }

  @Override
  public void close() {
    for (SdkTracerProvider p : providers) {
      p.shutdown().join(30, TimeUnit.SECONDS);
    }
  }

  /** Counts what a processor hands its exporter and what the server acknowledged. */
  private final class Counting implements SpanExporter {
    private final SpanExporter delegate;

    Counting(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      int n = spans.size();
      exported.addAndGet(n);
      CompletableResultCode r = delegate.export(spans);
      r.whenComplete(() -> (r.isSuccess() ? acked : failed).addAndGet(n));
      return r;
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }
}
