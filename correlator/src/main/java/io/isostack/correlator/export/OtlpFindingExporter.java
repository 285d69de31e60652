package io.isostack.correlator.export;

import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.finding.FindingText;
import io.isostack.model.SpanView;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Writes findings back as OTLP (docs/METHOD.md §6, "closing the loop"): a log record per finding
 * linked to the slow span by its trace and span ids, the {@code isostack.findings} counter and the
 * {@code isostack.finding.explained.duration} histogram, and optionally the slow span re-emitted
 * with its verdict and evidence.
 *
 * <p>The OpenTelemetry SDK does the work: its autoconfigure module reads the usual {@code OTEL_*}
 * variables and system properties, {@link OtlpExportSettings} overrides them; log records and spans
 * go through the SDK's batch processors, metrics through its periodic reader. Attribute names,
 * types and units are in docs/OTLP-EXPORT.md. Thread-safe: {@link #export} may be called from any
 * thread and does not block on the network.
 */
public final class OtlpFindingExporter implements Consumer<LiveFinding>, AutoCloseable {
  /** The instrumentation scope of everything exported. */
  public static final String SCOPE_NAME = "io.isostack.correlator";

  /** The event name of a finding's log record. */
  public static final String EVENT_NAME = "isostack.finding";

  /** The {@code service.name} used when neither OTEL_SERVICE_NAME nor the resource sets one. */
  public static final String DEFAULT_SERVICE_NAME = "isostack-correlator";

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(OtlpFindingExporter.class);

  /**
   * The SDK's exporters log every failed attempt (with a stack trace); {@link ExportOutcome} counts
   * them and logs once per burst instead. Held strongly: JUL keeps loggers weakly.
   */
  private static final java.util.logging.Logger SDK_EXPORTER_LOG =
      java.util.logging.Logger.getLogger("io.opentelemetry.exporter");

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final List<Double> SECONDS_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0);

  private final OpenTelemetrySdk sdk;
  private final List<SpanProcessor> spanProcessors;
  private final boolean enrichSpans;
  private final int maxSpanEvents;
  private final InstrumentationScopeInfo scope;
  private final Logger logger;
  private final LongCounter findings;
  private final DoubleHistogram explained;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ExportOutcome outcome;

  private OtlpFindingExporter(
      OpenTelemetrySdk sdk,
      List<SpanProcessor> spanProcessors,
      OtlpExportSettings settings,
      ExportOutcome outcome) {
    this.sdk = sdk;
    this.outcome = outcome;
    this.spanProcessors = spanProcessors;
    this.enrichSpans = settings.enrichSpans();
    this.maxSpanEvents = settings.maxSpanEvents();
    String version = OtlpFindingExporter.class.getPackage().getImplementationVersion();
    InstrumentationScopeInfo s = InstrumentationScopeInfo.create(SCOPE_NAME);
    if (version != null) {
      s = InstrumentationScopeInfo.builder(SCOPE_NAME).setVersion(version).build();
    }
    this.scope = s;
    var lb = sdk.getSdkLoggerProvider().loggerBuilder(SCOPE_NAME);
    var mb = sdk.getSdkMeterProvider().meterBuilder(SCOPE_NAME);
    if (version != null) {
      lb.setInstrumentationVersion(version);
      mb.setInstrumentationVersion(version);
    }
    this.logger = lb.build();
    Meter meter = mb.build();
    this.findings =
        meter
            .counterBuilder("isostack.findings")
            .setUnit("{finding}")
            .setDescription("Findings published, by isolation layer, network slice and cause.")
            .build();
    this.explained =
        meter
            .histogramBuilder("isostack.finding.explained.duration")
            .setUnit("s")
            .setDescription(
                "Slow-span self time explained by each finding's cause, by isolation layer,"
                    + " network slice and cause.")
            .setExplicitBucketBoundariesAdvice(SECONDS_BUCKETS)
            .build();
  }

  /**
   * Configures the SDK from the environment and the settings, and starts its processors and
   * periodic metric reader.
   *
   * @param settings the command-line overrides
   * @return a running exporter; close it to flush
   * @throws IllegalArgumentException if the SDK configuration is invalid (the message says which
   *     property)
   */
  public static OtlpFindingExporter start(OtlpExportSettings settings) {
    Objects.requireNonNull(settings, "settings");
    SDK_EXPORTER_LOG.setLevel(java.util.logging.Level.OFF);
    List<SpanProcessor> processors = new CopyOnWriteArrayList<>();
    ExportOutcome outcome = new ExportOutcome();
    try {
      OpenTelemetrySdk sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              .addPropertiesCustomizer(settings::overrides)
              .addResourceCustomizer((r, c) -> withDefaultServiceName(r))
              .addLogRecordExporterCustomizer(
                  (e, c) -> CountingExporters.logs(e, outcome, endpoint(settings, c, "logs")))
              .addMetricExporterCustomizer(
                  (e, c) -> CountingExporters.metrics(e, outcome, endpoint(settings, c, "metrics")))
              .addSpanExporterCustomizer(
                  (e, c) -> CountingExporters.spans(e, outcome, endpoint(settings, c, "traces")))
              .addSpanProcessorCustomizer(
                  (p, c) -> {
                    processors.add(p);
                    return p;
                  })
              // The caller closes us after its last finding; the SDK's own hook could run first.
              .disableShutdownHook()
              .build()
              .getOpenTelemetrySdk();
      return new OtlpFindingExporter(sdk, processors, settings, outcome);
    } catch (ConfigurationException e) {
      throw new IllegalArgumentException("OTLP export: " + e.getMessage(), e);
    }
  }

  /** Where a signal goes, for messages: the per-signal or general endpoint, else the default. */
  private static String endpoint(OtlpExportSettings settings, ConfigProperties c, String signal) {
    String e = c.getString("otel.exporter.otlp." + signal + ".endpoint");
    if (e == null) {
      e = c.getString("otel.exporter.otlp.endpoint");
    }
    return e != null ? e : settings.endpoint() != null ? settings.endpoint() : "the SDK default";
  }

  /** What became of the export so far: delivered and undelivered findings, failures. */
  public ExportOutcome outcome() {
    return outcome;
  }

  private static Resource withDefaultServiceName(Resource r) {
    String name = r.getAttribute(SERVICE_NAME);
    if (name == null || name.startsWith("unknown_service")) {
      return r.merge(Resource.create(Attributes.of(SERVICE_NAME, DEFAULT_SERVICE_NAME)));
    }
    return r;
  }

  /**
   * Exports one finding: its log record, its metric points and, with {@code enrichSpans}, its
   * re-emitted span. Queues only; nothing is sent before the processors' next batch, {@link #flush}
   * or {@link #close}. Ignored after {@link #close}.
   */
  public void export(Finding f) {
    if (closed.get()) {
      return;
    }
    outcome.queued();
    SpanView s = f.span();
    String verdict = FindingText.verdict(f);
    boolean kernel = FindingAttributes.isKernel(f);
    SpanContext slow =
        SpanContext.create(
            s.traceId(), s.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
    logger
        .logRecordBuilder()
        .setContext(Context.root().with(Span.wrap(slow)))
        .setTimestamp(s.endEpochNanos(), TimeUnit.NANOSECONDS)
        .setSeverity(kernel ? Severity.WARN : Severity.INFO)
        .setSeverityText(kernel ? "WARN" : "INFO")
        .setEventName(EVENT_NAME)
        .setBody(verdict)
        .setAllAttributes(FindingAttributes.verdict(f))
        .emit();
    Attributes byCause =
        Attributes.of(
            FindingAttributes.LAYER, f.layer().code(),
            FindingAttributes.NETWORK_SLICE, f.network(),
            FindingAttributes.CAUSE, f.cause());
    findings.add(1, byCause);
    explained.record(FindingAttributes.seconds(f.explainedNanos()), byCause);
    if (enrichSpans && !spanProcessors.isEmpty()) {
      FindingSpan span = FindingSpan.of(f, verdict, maxSpanEvents, scope);
      for (SpanProcessor p : spanProcessors) {
        p.onEnd(span);
      }
    }
  }

  /** Exports each finding in order; see {@link #export}. */
  public void exportAll(List<Finding> all) {
    all.forEach(this::export);
  }

  /**
   * Exports a live finding; a failure is logged, never thrown, so that the engine's other sinks
   * still run.
   */
  @Override
  public void accept(LiveFinding f) {
    try {
      export(f.finding());
    } catch (RuntimeException e) {
      LOG.warn("could not export a finding as OTLP", e);
    }
  }

  /**
   * Sends what is queued and collects and sends the metrics now.
   *
   * @param timeout how long to wait
   * @return whether every signal was sent within the timeout
   */
  public boolean flush(Duration timeout) {
    return CompletableResultCode.ofAll(
            List.of(
                sdk.getSdkLoggerProvider().forceFlush(),
                sdk.getSdkMeterProvider().forceFlush(),
                sdk.getSdkTracerProvider().forceFlush()))
        .join(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .isSuccess();
  }

  /**
   * Flushes and shuts the SDK down (the metric reader sends a last collection), waiting at most
   * {@code timeout} in all (what is not sent by then is not delivered: see {@link #outcome()});
   * later findings are ignored.
   *
   * @return whether everything was sent and shut down within the timeout
   */
  public boolean close(Duration timeout) {
    if (!closed.compareAndSet(false, true)) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean flushed = flush(timeout);
    long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    boolean down = sdk.shutdown().join(left, TimeUnit.MILLISECONDS).isSuccess();
    return flushed && down;
  }

  /** {@link #close(Duration)} with 10 seconds, the SDK's default export timeout. */
  @Override
  public void close() {
    if (!close(Duration.ofSeconds(10))) {
      LOG.warn("OTLP export of findings did not complete; see the exporter's messages");
    }
  }
}
