package io.isostack.samples.app;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.logging.otlp.internal.traces.OtlpStdoutSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.ResourceConfiguration;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry SDK of one sample service: resource, W3C propagator, and a batch processor that
 * writes one OTLP JSON {@code ExportTraceServiceRequest} per line to a file, or exports over
 * OTLP/gRPC; or nothing at all when the OpenTelemetry Java agent instruments the service.
 *
 * <p>The exporter is the SDK's {@code OtlpStdoutSpanExporter} (in 1.56.0 it lives in the {@code
 * internal.traces} package of {@code opentelemetry-exporter-logging-otlp}) pointed at a file
 * stream. {@link #shutdown()} flushes pending spans; it is idempotent.
 */
final class Telemetry {

  private final OpenTelemetrySdk sdk;
  private final String serviceName;

  private Telemetry(OpenTelemetrySdk sdk, String serviceName) {
    this.sdk = sdk;
    this.serviceName = serviceName;
  }

  /**
   * Builds the SDK for a service.
   *
   * @param serviceName the {@code service.name} resource attribute
   * @param hostName the {@code host.name} resource attribute
   * @param spansOut the file that receives OTLP JSON lines (truncated at start)
   * @return the started telemetry
   */
  static Telemetry start(String serviceName, String hostName, Path spansOut) {
    FileOutputStream out;
    try {
      out = new FileOutputStream(spansOut.toFile(), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open --spans-out " + spansOut, e);
    }
    return start(
        serviceName,
        hostName,
        OtlpStdoutSpanExporter.builder().setOutput(out).setWrapperJsonObject(true).build(),
        Duration.ofMillis(500));
  }

  /**
   * Builds the SDK for a service that exports over OTLP/gRPC, as a service in a telemetry pipeline
   * does (to an OpenTelemetry Collector or straight to {@code correlator serve}).
   *
   * @param serviceName the {@code service.name} resource attribute
   * @param hostName the {@code host.name} resource attribute
   * @param endpoint the OTLP/gRPC endpoint, e.g. {@code http://127.0.0.1:4317}
   * @return the started telemetry
   */
  static Telemetry startOtlp(String serviceName, String hostName, String endpoint) {
    return start(
        serviceName,
        hostName,
        OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build(),
        Duration.ofMillis(100));
  }

  /**
   * No telemetry of our own: for running the services under the OpenTelemetry Java agent, which
   * instruments the JDK HTTP server and client itself. The spans our code would make are no-ops.
   */
  static Telemetry none(String serviceName) {
    return new Telemetry(null, serviceName);
  }

  private static Telemetry start(
      String serviceName, String hostName, SpanExporter exporter, Duration scheduleDelay) {
    var attributes =
        Attributes.builder()
            .put(AttributeKey.stringKey("service.name"), serviceName)
            .put(AttributeKey.stringKey("host.name"), hostName)
            .put(AttributeKey.longKey("process.pid"), ProcessHandle.current().pid())
            .put(AttributeKey.stringKey("process.executable.name"), "java");
    String container = containerId();
    if (container != null) {
      attributes.put(AttributeKey.stringKey("container.id"), container);
    }
    // OTEL_RESOURCE_ATTRIBUTES (e.g. container.id, set by samples/oci/run-backend.sh: inside a
    // pid namespace process.pid is not the host's pid) first, our own attributes over it
    Resource resource =
        Resource.getDefault()
            .merge(ResourceConfiguration.createEnvironmentResource())
            .merge(Resource.create(attributes.build()));
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(
                BatchSpanProcessor.builder(exporter).setScheduleDelay(scheduleDelay).build())
            .build();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(tracerProvider)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    return new Telemetry(sdk, serviceName);
  }

  /**
   * The container id in {@code /proc/self/cgroup}, as the Java agent's container detector finds it:
   * the 64-hex id of a {@code docker-<id>.scope} (or {@code /docker/<id>}) cgroup; null when the
   * service is not in a container.
   */
  static String containerId() {
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/cgroup"))) {
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("([0-9a-f]{64})(\\.scope)?$").matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no access: no container id
    }
    return null;
  }

  /** Returns the tracer of this service (instrumentation scope {@code io.isostack.samples.app}). */
  Tracer tracer() {
    return (sdk == null ? OpenTelemetry.noop() : sdk).getTracer("io.isostack.samples.app", "0.1.0");
  }

  /** Returns the W3C trace-context propagator. */
  TextMapPropagator propagator() {
    return sdk == null ? TextMapPropagator.noop() : sdk.getPropagators().getTextMapPropagator();
  }

  /** Returns the {@code service.name} this SDK reports. */
  String serviceName() {
    return serviceName;
  }

  /** Flushes pending spans and closes the exporter, waiting at most 10 s. */
  void shutdown() {
    if (sdk != null) {
      sdk.getSdkTracerProvider().shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
