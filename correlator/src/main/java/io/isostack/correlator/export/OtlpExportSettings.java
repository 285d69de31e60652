package io.isostack.correlator.export;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How findings are exported as OTLP: the command-line choices that override the OpenTelemetry SDK's
 * usual configuration ({@code OTEL_EXPORTER_OTLP_*}, {@code OTEL_SERVICE_NAME}, {@code
 * OTEL_RESOURCE_ATTRIBUTES}... read by the SDK's autoconfigure module; see docs/OTLP-EXPORT.md).
 *
 * @param endpoint the OTLP endpoint, e.g. {@code http://collector:4317}; for {@code http/protobuf}
 *     the base URL to which {@code /v1/logs}, {@code /v1/metrics} and {@code /v1/traces} are
 *     appended; null keeps {@code OTEL_EXPORTER_OTLP_ENDPOINT} (and its per-signal variants) or the
 *     SDK default ({@code http://localhost:4317} for gRPC, {@code :4318} for HTTP)
 * @param protocol {@code grpc} or {@code http/protobuf}; null keeps {@code
 *     OTEL_EXPORTER_OTLP_PROTOCOL} or the Java SDK's default, {@code grpc}
 * @param enrichSpans whether each slow span is re-emitted with its verdict and evidence
 * @param maxSpanEvents how many evidence events a re-emitted span carries at most, 0 or more
 * @param properties SDK configuration properties that override everything else (e.g. {@code
 *     otel.metric.export.interval}); for tests and embedding
 */
public record OtlpExportSettings(
    String endpoint,
    String protocol,
    boolean enrichSpans,
    int maxSpanEvents,
    Map<String, String> properties) {
  /** Evidence events on a re-emitted span by default. */
  public static final int DEFAULT_MAX_SPAN_EVENTS = 32;

  private static final List<String> PROTOCOLS = List.of("grpc", "http/protobuf");
  private static final List<String> SIGNALS = List.of("traces", "metrics", "logs");

  /** Validates; messages name the command-line option. */
  public OtlpExportSettings {
    if (endpoint != null) {
      checkEndpoint(endpoint);
    }
    if (protocol != null && !PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException("protocol must be grpc or http/protobuf: " + protocol);
    }
    if (maxSpanEvents < 0) {
      throw new IllegalArgumentException("maxSpanEvents must be 0 or more: " + maxSpanEvents);
    }
    properties = Map.copyOf(properties);
  }

  /**
   * Settings from the command line, with the default evidence limit and no extra properties.
   *
   * @param endpoint {@code --otlp-endpoint}, or null
   * @param protocol {@code --otlp-protocol}, or null
   * @param enrichSpans {@code --enrich-spans}
   * @throws IllegalArgumentException if the endpoint is not an http(s) URL or the protocol unknown
   */
  public static OtlpExportSettings of(String endpoint, String protocol, boolean enrichSpans) {
    return new OtlpExportSettings(
        endpoint, protocol, enrichSpans, DEFAULT_MAX_SPAN_EVENTS, Map.of());
  }

  /** A copy with these SDK properties overriding everything else. */
  public OtlpExportSettings withProperties(Map<String, String> extra) {
    Map<String, String> all = new HashMap<>(properties);
    all.putAll(extra);
    return new OtlpExportSettings(endpoint, protocol, enrichSpans, maxSpanEvents, all);
  }

  /**
   * The properties that override the environment: the endpoint and protocol for every signal
   * (appending {@code /v1/<signal>} for HTTP, as the SDK does for {@code
   * OTEL_EXPORTER_OTLP_ENDPOINT}), no span exporter unless spans are enriched, then {@link
   * #properties}.
   *
   * @param config the configuration read from system properties and the environment
   */
  Map<String, String> overrides(ConfigProperties config) {
    Map<String, String> m = new HashMap<>();
    if (protocol != null) {
      m.put("otel.exporter.otlp.protocol", protocol);
      for (String s : SIGNALS) {
        m.put("otel.exporter.otlp." + s + ".protocol", protocol);
      }
    }
    if (endpoint != null) {
      m.put("otel.exporter.otlp.endpoint", endpoint);
      String base =
          endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
      for (String s : SIGNALS) {
        String p =
            protocol != null
                ? protocol
                : config.getString(
                    "otel.exporter.otlp." + s + ".protocol",
                    config.getString("otel.exporter.otlp.protocol", "grpc"));
        m.put(
            "otel.exporter.otlp." + s + ".endpoint",
            p.equals("grpc") ? endpoint : base + "/v1/" + s);
      }
    }
    if (!enrichSpans) {
      m.put("otel.traces.exporter", "none");
    }
    m.putAll(properties);
    return m;
  }

  private static void checkEndpoint(String endpoint) {
    try {
      URI uri = new URI(endpoint);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "endpoint must be an http:// or https:// URL with a host: " + endpoint);
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "endpoint is not a URL: " + endpoint + " (" + e.getReason() + ")", e);
    }
  }
}
