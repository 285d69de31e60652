package io.isostack.correlator.export;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What became of the OTLP export of findings: findings queued, their log records delivered and not
 * delivered, failed export calls by signal, the last failure's reason. Failures are logged once per
 * burst (the first with its reason, then a sum every {@value #BURST_SECONDS} s), instead of the
 * SDK's line per attempt.
 *
 * <p>Meters ({@link #bindTo}; here rather than in {@code metrics}, which may not see {@code
 * export}): {@code correlator.export.failures} (counter, exports, tag {@code signal} = {@code
 * logs}, {@code metrics}, {@code spans}) and {@code correlator.findings.undelivered} (counter,
 * findings whose log record an export failed to deliver).
 *
 * <p>Thread-safe.
 */
public final class ExportOutcome implements MeterBinder {
  private static final Logger LOG = LoggerFactory.getLogger(ExportOutcome.class);
  private static final int BURST_SECONDS = 60;
  private static final long BURST_NANOS = BURST_SECONDS * 1_000_000_000L;

  /** The signals exported. */
  public enum Signal {
    /** Log records, one per finding. */
    LOGS,
    /** The findings' counter and histogram. */
    METRICS,
    /** Re-emitted slow spans ({@code --enrich-spans}). */
    SPANS
  }

  private final LongAdder queued = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder undelivered = new LongAdder();
  private final LongAdder[] failures = {new LongAdder(), new LongAdder(), new LongAdder()};
  private final AtomicReference<String> lastFailure = new AtomicReference<>();
  private volatile boolean logBursts = true;
  private long burstStart;
  private boolean inBurst;
  private long suppressed;

  /** Creates an empty outcome. */
  public ExportOutcome() {}

  void queued() {
    queued.increment();
  }

  /**
   * Follows one export call of {@code items} records of a signal.
   *
   * @param where the endpoint, for the log line
   */
  CompletableResultCode follow(
      CompletableResultCode result, Signal signal, int items, String where) {
    result.whenComplete(
        () -> {
          if (result.isSuccess()) {
            if (signal == Signal.LOGS) {
              delivered.add(items);
            }
            return;
          }
          failures[signal.ordinal()].increment();
          if (signal == Signal.LOGS) {
            undelivered.add(items);
          }
          String reason = reason(result.getFailureThrowable());
          lastFailure.set(reason);
          failed(signal, items, where, reason);
        });
    return result;
  }

  /** The innermost cause with a message: the network's reason, not the SDK's wrapper. */
  private static String reason(Throwable t) {
    if (t == null) {
      return "the endpoint answered with an error";
    }
    Throwable r = t;
    Throwable withMessage = t.getMessage() == null ? null : t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
      if (r.getMessage() != null) {
        withMessage = r;
      }
    }
    Throwable shown = withMessage == null ? r : withMessage;
    return shown.getClass().getSimpleName()
        + (shown.getMessage() == null ? "" : ": " + shown.getMessage());
  }

  /**
   * Stops logging failures as they happen: for a caller that sums them up itself when the export
   * ends ({@code analyze}).
   */
  public void summariseAtEnd() {
    logBursts = false;
  }

  private void failed(Signal signal, int items, String where, String reason) {
    if (!logBursts) {
      return;
    }
    long now = System.nanoTime();
    String summary = null;
    boolean first = false;
    synchronized (this) {
      if (!inBurst || now - burstStart >= BURST_NANOS) {
        if (inBurst && suppressed > 0) {
          summary = suppressed + " more OTLP exports failed in the last " + BURST_SECONDS + " s";
        }
        inBurst = true;
        burstStart = now;
        suppressed = 0;
        first = true;
      } else {
        suppressed++;
      }
    }
    if (summary != null) {
      LOG.warn("{}; {} findings not delivered so far", summary, undelivered.sum());
    }
    if (first) {
      LOG.warn(
          "OTLP export of {} {} to {} failed ({}); further failures are counted"
              + " (correlator_export_failures_total) and summed up every {} s",
          items,
          signal.name().toLowerCase(java.util.Locale.ROOT),
          where,
          reason,
          BURST_SECONDS);
    }
  }

  /** Findings handed to the exporter. */
  public long findingsQueued() {
    return queued.sum();
  }

  /** Findings whose log record an export delivered. */
  public long findingsDelivered() {
    return delivered.sum();
  }

  /**
   * Findings not delivered: queued and not delivered, whether an export failed or had not finished
   * (read after the exporter closed, every finding is one or the other).
   */
  public long findingsNotDelivered() {
    return Math.max(0, queued.sum() - delivered.sum());
  }

  /** Failed export calls of a signal. */
  public long failures(Signal signal) {
    return failures[signal.ordinal()].sum();
  }

  /** Failed export calls of every signal. */
  public long failures() {
    long n = 0;
    for (LongAdder a : failures) {
      n += a.sum();
    }
    return n;
  }

  /** The last failure's reason, or null when none failed. */
  public String lastFailure() {
    return lastFailure.get();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (Signal s : Signal.values()) {
      FunctionCounter.builder("correlator.export.failures", this, o -> o.failures(s))
          .description(
              "OTLP export calls of findings that failed (refused, unreachable, timed out)")
          .baseUnit("exports")
          .tag("signal", s.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry);
    }
    FunctionCounter.builder("correlator.findings.undelivered", this, o -> o.undelivered.sum())
        .description("Findings whose OTLP log record an export failed to deliver")
        .baseUnit("findings")
        .register(registry);
  }
}
