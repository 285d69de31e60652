package io.isostack.correlator.cli;

import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveSettings;
import picocli.CommandLine.Option;

/**
 * The options of live correlation shared by {@code serve} and {@code stream} (a picocli mixin):
 * when a trace is complete and how long kernel events are waited for and kept.
 */
final class LiveOptions {
  @Option(
      names = "--trace-idle",
      paramLabel = "DURATION",
      defaultValue = "500ms",
      converter = DurationConverter.class,
      description =
          "A trace is complete when its root has ended and no span came for this long (default:"
              + " ${DEFAULT-VALUE}).")
  long traceIdleNanos;

  @Option(
      names = "--trace-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "A trace whose root never arrives is evaluated as broken after no span came for this"
              + " long; at least --trace-idle (default: ${DEFAULT-VALUE}).")
  long traceTimeoutNanos;

  @Option(
      names = "--event-lateness",
      paramLabel = "DURATION",
      defaultValue = "300ms",
      converter = DurationConverter.class,
      description =
          "Grace period: how long a complete trace waits for its hosts' late kernel events"
              + " (default: ${DEFAULT-VALUE}).")
  long eventLatenessNanos;

  @Option(
      names = "--retention",
      paramLabel = "DURATION",
      defaultValue = "120s",
      converter = DurationConverter.class,
      description =
          "How far behind the newest event kernel events are kept for joins (default:"
              + " ${DEFAULT-VALUE}).")
  long retentionNanos;

  /**
   * The live settings around {@code analysis}: these options, the engine's defaults for the rest.
   *
   * @throws IllegalArgumentException naming the setting that is out of range
   */
  LiveSettings settings(AnalyzerSettings analysis) {
    LiveSettings d = LiveSettings.defaults(analysis);
    return new LiveSettings(
        analysis,
        traceIdleNanos,
        Math.max(traceTimeoutNanos, traceIdleNanos),
        eventLatenessNanos,
        retentionNanos,
        d.maxTraces(),
        d.queueCapacity(),
        d.findingsKept());
  }
}
