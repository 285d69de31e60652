package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class OtlpGrpcReceiverTest {
  private ServeFixture serve;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    serve = new ServeFixture();
    channel = channel(serve);
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    serve.close();
  }

  private static ManagedChannel channel(ServeFixture f) {
    return NettyChannelBuilder.forAddress("127.0.0.1", f.server.grpcPort()).usePlaintext().build();
  }

  @Test
  void openTelemetrySdkGrpcExporterDeliversGzippedSpans() throws Exception {
    OtlpGrpcSpanExporter exporter =
        OtlpGrpcSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + serve.server.grpcPort())
            .setCompression("gzip")
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        "sdk-grpc",
                        AttributeKey.stringKey("host.name"),
                        ServeFixture.HOST)))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    try {
      var tracer = provider.get("test");
      var root = tracer.spanBuilder("GET /checkout").setSpanKind(SpanKind.SERVER).startSpan();
      tracer
          .spanBuilder("GET /pay")
          .setParent(io.opentelemetry.context.Context.root().with(root))
          .setSpanKind(SpanKind.CLIENT)
          .startSpan()
          .end();
      root.end();
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
    serve.awaitStats(s -> s.spansReceived() == 2 && s.tracesEvaluated() == 1);
  }

  @Test
  void requestWithAZeroSpanIdIsAPartialSuccess() {
    ExportTraceServiceResponse r =
        TraceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .export(OtlpData.withOneInvalidSpan(ServeFixture.now()));

    assertThat(r.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(r.getPartialSuccess().getErrorMessage()).contains("spanId");
  }

  @Test
  void validSpansOfAPartialRequestReachTheEngine() throws Exception {
    TraceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .export(OtlpData.withOneInvalidSpan(ServeFixture.now()));

    serve.awaitStats(s -> s.spansReceived() == 2);
  }

  @Test
  void logRecordsCarryingCanonicalFieldsBecomeEvents() throws Exception {
    ExportLogsServiceResponse r =
        LogsServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .export(OtlpData.logs(ServeFixture.now()));

    assertThat(r.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
    assertThat(r.getPartialSuccess().getErrorMessage()).contains("unknown-event");
    serve.awaitStats(s -> s.eventsReceived() == 2);
  }

  @Test
  void fullEngineQueueIsUnavailable() throws Exception {
    try (ServeFixture stalled = new ServeFixture(1, false, List.of(), List.of())) {
      ManagedChannel c = channel(stalled);
      try {
        var stub = TraceServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
        stub.export(OtlpData.withOneInvalidSpan(ServeFixture.now()));

        StatusRuntimeException e =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () -> stub.export(OtlpData.withOneInvalidSpan(ServeFixture.now())));

        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
        com.google.rpc.Status details = io.grpc.protobuf.StatusProto.fromThrowable(e);
        assertThat(details).isNotNull();
        assertThat(details.getDetailsList()).hasSize(1);
        assertThat(details.getDetails(0).unpack(com.google.rpc.RetryInfo.class).getRetryDelay())
            .isEqualTo(com.google.protobuf.Duration.newBuilder().setSeconds(1).build());
      } finally {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** A call that sends {@code body} as the request payload of {@code method}, bytes as they are. */
  private static StatusRuntimeException sendRaw(ManagedChannel c, String method, byte[] body) {
    io.grpc.MethodDescriptor.Marshaller<byte[]> raw =
        new io.grpc.MethodDescriptor.Marshaller<>() {
          @Override
          public java.io.InputStream stream(byte[] value) {
            return new java.io.ByteArrayInputStream(value);
          }

          @Override
          public byte[] parse(java.io.InputStream stream) {
            try {
              return stream.readAllBytes();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        };
    io.grpc.MethodDescriptor<byte[], byte[]> m =
        io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder(raw, raw)
            .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(method)
            .build();
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () ->
            io.grpc.stub.ClientCalls.blockingUnaryCall(
                c, m, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), body));
  }

  @Test
  void undecodableTracePayloadIsInvalidArgumentAndCounted() throws Exception {
    byte[] garbage = {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2};

    StatusRuntimeException e =
        sendRaw(channel, "opentelemetry.proto.collector.trace.v1.TraceService/Export", garbage);
    StatusRuntimeException e2 =
        sendRaw(channel, "opentelemetry.proto.collector.logs.v1.LogsService/Export", garbage);

    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("not a valid protobuf message");
    assertThat(e2.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
    assertThat(serve.get("/api/stats").body()).contains("\"invalid-protobuf\":2");
  }
}
