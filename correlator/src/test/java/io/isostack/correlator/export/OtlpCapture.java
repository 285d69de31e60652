package io.isostack.correlator.export;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP receiver on 127.0.0.1 (ephemeral port) that keeps every export request: gRPC ({@code
 * LogsService}, {@code MetricsService}, {@code TraceService}) or HTTP/protobuf ({@code /v1/logs},
 * {@code /v1/metrics}, {@code /v1/traces}).
 */
final class OtlpCapture implements AutoCloseable {
  final List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();
  final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
  final List<String> httpPaths = new CopyOnWriteArrayList<>();
  private final Server grpc;
  private final HttpServer http;

  private OtlpCapture(boolean useGrpc) throws IOException {
    if (useGrpc) {
      http = null;
      grpc =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .maxInboundMessageSize(64 * 1024 * 1024)
              .addService(new Logs())
              .addService(new Metrics())
              .addService(new Traces())
              .build()
              .start();
    } else {
      grpc = null;
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      http.createContext(
          "/",
          exchange -> {
            String path = exchange.getRequestURI().getPath();
            httpPaths.add(path);
            byte[] body;
            try (InputStream in =
                "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody())
                    : exchange.getRequestBody()) {
              body = in.readAllBytes();
            }
            byte[] response;
            switch (path) {
              case "/v1/logs" -> {
                logs.add(ExportLogsServiceRequest.parseFrom(body));
                response = ExportLogsServiceResponse.getDefaultInstance().toByteArray();
              }
              case "/v1/metrics" -> {
                metrics.add(ExportMetricsServiceRequest.parseFrom(body));
                response = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
              }
              case "/v1/traces" -> {
                traces.add(ExportTraceServiceRequest.parseFrom(body));
                response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
              }
              default -> response = null;
            }
            if (response == null) {
              exchange.sendResponseHeaders(404, -1);
            } else {
              exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
              exchange.sendResponseHeaders(200, response.length);
              exchange.getResponseBody().write(response);
            }
            exchange.close();
          });
      http.start();
    }
  }

  static OtlpCapture grpc() throws IOException {
    return new OtlpCapture(true);
  }

  static OtlpCapture http() throws IOException {
    return new OtlpCapture(false);
  }

  String endpoint() {
    return "http://127.0.0.1:" + (grpc != null ? grpc.getPort() : http.getAddress().getPort());
  }

  List<LogRecord> logRecords() {
    List<LogRecord> all = new ArrayList<>();
    for (ExportLogsServiceRequest r : logs) {
      for (ResourceLogs rl : r.getResourceLogsList()) {
        for (ScopeLogs sl : rl.getScopeLogsList()) {
          all.addAll(sl.getLogRecordsList());
        }
      }
    }
    return all;
  }

  /** Every data point batch of the named metric, in the order received. */
  List<Metric> metric(String name) {
    List<Metric> all = new ArrayList<>();
    for (ExportMetricsServiceRequest r : metrics) {
      for (ResourceMetrics rm : r.getResourceMetricsList()) {
        for (ScopeMetrics sm : rm.getScopeMetricsList()) {
          for (Metric m : sm.getMetricsList()) {
            if (m.getName().equals(name)) {
              all.add(m);
            }
          }
        }
      }
    }
    return all;
  }

  List<ResourceSpans> resourceSpans() {
    List<ResourceSpans> all = new ArrayList<>();
    traces.forEach(r -> all.addAll(r.getResourceSpansList()));
    return all;
  }

  List<Span> spans() {
    List<Span> all = new ArrayList<>();
    for (ResourceSpans rs : resourceSpans()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        all.addAll(ss.getSpansList());
      }
    }
    return all;
  }

  @Override
  public void close() {
    if (grpc != null) {
      try {
        grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (http != null) {
      http.stop(0);
    }
  }

  private final class Logs extends LogsServiceGrpc.LogsServiceImplBase {
    @Override
    public void export(
        ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> response) {
      logs.add(request);
      response.onNext(ExportLogsServiceResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  private final class Metrics extends MetricsServiceGrpc.MetricsServiceImplBase {
    @Override
    public void export(
        ExportMetricsServiceRequest request,
        StreamObserver<ExportMetricsServiceResponse> response) {
      metrics.add(request);
      response.onNext(ExportMetricsServiceResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  private final class Traces extends TraceServiceGrpc.TraceServiceImplBase {
    @Override
    public void export(
        ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
      traces.add(request);
      response.onNext(ExportTraceServiceResponse.getDefaultInstance());
      response.onCompleted();
    }
  }
}
