package io.isostack.correlator.cli;

import io.isostack.correlator.export.OtlpExportSettings;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --otlp-*} options of {@code analyze} and {@code serve}: export of findings as OTLP.
 * Export is on when any of them is given; the OTEL_* environment fills in the rest.
 */
final class OtlpExportOptions {
  /** What {@code --otlp-endpoint} without a value stands for: the environment's endpoint. */
  static final String FROM_ENVIRONMENT = "";

  @Option(
      names = "--otlp-endpoint",
      paramLabel = "URL",
      arity = "0..1",
      fallbackValue = FROM_ENVIRONMENT,
      description =
          "Export each finding as OTLP (a log record linked to the slow span, and metrics) to"
              + " this endpoint, e.g. http://localhost:4317; without a URL, to"
              + " OTEL_EXPORTER_OTLP_ENDPOINT or the SDK default. OTEL_EXPORTER_OTLP_HEADERS,"
              + " OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES... apply. See docs/OTLP-EXPORT.md.")
  String endpoint;

  @Option(
      names = "--otlp-protocol",
      paramLabel = "PROTOCOL",
      description =
          "grpc or http/protobuf (default: OTEL_EXPORTER_OTLP_PROTOCOL, else grpc); implies"
              + " export.")
  String protocol;

  @Option(
      names = "--enrich-spans",
      description =
          "Also re-emit each slow span (same trace and span id) with its verdict as attributes"
              + " and its evidence as span events; implies export.")
  boolean enrichSpans;

  @Option(
      names = "--otlp-timeout",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description =
          "How long one OTLP export may take, and how long analyze waits for the last ones before"
              + " it reports what was not delivered (default: ${DEFAULT-VALUE}).")
  long timeoutNanos;

  /** The {@code --otlp-timeout}. */
  Duration timeout() {
    return Duration.ofNanos(timeoutNanos);
  }

  /**
   * The export settings, or null when export is off.
   *
   * @throws IllegalArgumentException if the endpoint or protocol is invalid (the message names the
   *     option)
   */
  OtlpExportSettings settings() {
    if (endpoint == null && protocol == null && !enrichSpans) {
      return null;
    }
    String url = endpoint == null || endpoint.isBlank() ? null : endpoint.trim();
    return OtlpExportSettings.of(url, protocol, enrichSpans)
        .withProperties(Map.of("otel.exporter.otlp.timeout", Long.toString(timeout().toMillis())));
  }
}
