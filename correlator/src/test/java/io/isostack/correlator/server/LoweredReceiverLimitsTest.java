package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.isostack.correlator.receiver.MemoryLimiter;
import io.isostack.correlator.receiver.ReceiverLimits;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --max-request-body-size} and {@code --max-concurrent-requests} lowered below their
 * defaults are enforced on both transports, as the OTLP specification says: a body above the size
 * is HTTP 413 and gRPC {@code RESOURCE_EXHAUSTED}; a request beyond the concurrency is HTTP 429
 * with {@code Retry-After} and gRPC {@code UNAVAILABLE} (both retryable); a gRPC call whose request
 * has not arrived within the read timeout is closed {@code DEADLINE_EXCEEDED}. Real clients (the
 * JDK's HTTP client, raw sockets, grpc-java) on loopback.
 */
@Timeout(60)
class LoweredReceiverLimitsTest {
  private static final int SMALL = 2048;

  /** A request of about {@code bytes} bytes: one valid span with a long name. */
  private static ExportTraceServiceRequest larger(int bytes) {
    long now = ServeFixture.now();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(OtlpData.resource())
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .addSpans(
                            OtlpData.span(
                                OtlpData.spanId(1), "x".repeat(bytes), now - 5_000_000, now))))
        .build();
  }

  /**
   * {@code TraceService/Export} as the client sees it, typed client-streaming so that grpc-java
   * flushes each message at once (a unary call's headers and message wait for its half-close); the
   * server sees the same unary method.
   */
  private static final MethodDescriptor<ExportTraceServiceRequest, ExportTraceServiceResponse>
      STREAMED_EXPORT =
          TraceServiceGrpc.getExportMethod().toBuilder()
              .setType(MethodDescriptor.MethodType.CLIENT_STREAMING)
              .build();

  private static ManagedChannel channel(ServeFixture serve) {
    return NettyChannelBuilder.forAddress("127.0.0.1", serve.server.grpcPort())
        .usePlaintext()
        .build();
  }

  @Test
  void aBodyAboveALoweredSizeIs413AndResourceExhausted() throws Exception {
    ReceiverLimits limits = ReceiverLimits.DEFAULTS.withMaxRequestBodyBytes(SMALL);
    try (ServeFixture serve = new ServeFixture(limits)) {
      byte[] small = OtlpData.withOneInvalidSpan(ServeFixture.now()).toByteArray();
      byte[] big = larger(SMALL * 2).toByteArray();
      assertThat(serve.post("/v1/traces", "application/x-protobuf", small).statusCode())
          .isEqualTo(200);
      assertThat(serve.post("/v1/traces", "application/x-protobuf", big).statusCode())
          .isEqualTo(413);

      ManagedChannel c = channel(serve);
      try {
        var stub = TraceServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThat(
                stub.export(OtlpData.withOneInvalidSpan(ServeFixture.now()))
                    .getPartialSuccess()
                    .getRejectedSpans())
            .isEqualTo(1);
        StatusRuntimeException e =
            catchThrowableOfType(
                StatusRuntimeException.class, () -> stub.export(larger(SMALL * 2)));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      } finally {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void oneRequestAtATimeRefusesTheSecondOnBothPortsWithRetry() throws Exception {
    ReceiverLimits one =
        new ReceiverLimits(1 << 20, 1, Duration.ofSeconds(20), Duration.ofSeconds(10));
    try (ServeFixture serve = new ServeFixture(one)) {
      // HTTP: a body that has started and never ends holds the one slot.
      try (Socket held = new Socket("127.0.0.1", serve.server.httpPort())) {
        OutputStream out = held.getOutputStream();
        out.write(
            ("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\nxx")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        MemoryLimiter memory = serve.engine.memory();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (memory.usedBytes(MemoryLimiter.Buffer.REQUEST_BODIES) == 0
            && System.nanoTime() < deadline) {
          Thread.sleep(20); // until the held body is being read (its buffer is reserved)
        }
        assertThat(memory.usedBytes(MemoryLimiter.Buffer.REQUEST_BODIES)).isPositive();
        HttpResponse<byte[]> r =
            serve.post(
                "/v1/traces",
                "application/x-protobuf",
                OtlpData.withOneInvalidSpan(ServeFixture.now()).toByteArray());
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(serve.get("/healthz").statusCode()).isEqualTo(200);
      }

      // gRPC: a call whose message came and that is not half-closed holds the one slot.
      ManagedChannel c = channel(serve);
      try {
        ClientCall<ExportTraceServiceRequest, ExportTraceServiceResponse> held = null;
        StatusRuntimeException e = null;
        // Until a held call is admitted before the export: an export that reaches the server
        // first takes the slot and the held call is refused, so hold again with a new one.
        for (int i = 0; i < 100 && e == null; i++) {
          if (held != null) {
            held.cancel("the export came first", null);
          }
          held = c.newCall(STREAMED_EXPORT, CallOptions.DEFAULT);
          held.start(new ClientCall.Listener<>() {}, new Metadata());
          held.request(1);
          held.sendMessage(OtlpData.withOneInvalidSpan(ServeFixture.now()));
          Thread.sleep(50);
          var stub = TraceServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
          e =
              catchThrowableOfType(
                  StatusRuntimeException.class,
                  () -> stub.export(OtlpData.withOneInvalidSpan(ServeFixture.now())));
        }
        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).contains("too many calls");
        held.cancel("done", null);
      } finally {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aGrpcCallNotInWithinALoweredReadTimeoutIsClosedAndFreesItsSlot() throws Exception {
    ReceiverLimits limits =
        new ReceiverLimits(1 << 20, 1, Duration.ofMillis(500), Duration.ofSeconds(10));
    try (ServeFixture serve = new ServeFixture(limits)) {
      ManagedChannel c = channel(serve);
      try {
        CompletableFuture<Status> closed = new CompletableFuture<>();
        ClientCall<ExportTraceServiceRequest, ExportTraceServiceResponse> slow =
            c.newCall(STREAMED_EXPORT, CallOptions.DEFAULT);
        slow.start(
            new ClientCall.Listener<>() {
              @Override
              public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
              }
            },
            new Metadata());
        slow.request(1);
        slow.sendMessage(OtlpData.withOneInvalidSpan(ServeFixture.now())); // never half-closed
        long t0 = System.nanoTime();

        Status status = closed.get(10, TimeUnit.SECONDS);

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(status.getDescription()).contains("read timeout");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
        var stub = TraceServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThat(
                stub.export(OtlpData.withOneInvalidSpan(ServeFixture.now()))
                    .getPartialSuccess()
                    .getRejectedSpans())
            .isEqualTo(1);
        // The engine's stats are a snapshot taken every tick (50 ms): wait for the one after both.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (serve.engine.stats().spansReceived() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(serve.engine.stats().spansReceived()).isEqualTo(2);
      } finally {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
