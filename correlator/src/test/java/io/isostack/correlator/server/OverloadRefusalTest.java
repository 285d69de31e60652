package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.RetryInfo;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.isostack.correlator.receiver.MemoryLimiter;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Above the memory limiter's soft limit both receivers refuse with OTLP's retryable answers. */
@Timeout(30)
class OverloadRefusalTest {
  private ServeFixture serve;
  private MemoryLimiter memory;

  @BeforeEach
  void start() throws Exception {
    serve = new ServeFixture();
    memory = serve.engine.memory();
    memory.reserve(MemoryLimiter.Buffer.REQUEST_BODIES, memory.softLimitBytes());
  }

  @AfterEach
  void stop() {
    memory.release(MemoryLimiter.Buffer.REQUEST_BODIES, memory.softLimitBytes());
    serve.close();
  }

  @Test
  void otlpHttpAnswers503WithRetryAfterAndTakesNothing() throws Exception {
    byte[] body = OtlpData.withOneInvalidSpan(ServeFixture.now()).toByteArray();

    HttpResponse<byte[]> r = serve.post("/v1/traces", "application/x-protobuf", body);

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(com.google.rpc.Status.parseFrom(r.body()).getCode()).isEqualTo(14);
    assertThat(memory.refusals()).isEqualTo(1);
    assertThat(serve.engine.stats().spansReceived()).isZero();
  }

  @Test
  void otlpGrpcAnswersUnavailableWithRetryInfo() throws Exception {
    ManagedChannel c =
        NettyChannelBuilder.forAddress("127.0.0.1", serve.server.grpcPort()).usePlaintext().build();
    try {
      var stub = TraceServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);

      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> stub.export(OtlpData.withOneInvalidSpan(ServeFixture.now())));

      assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
      com.google.rpc.Status detail = StatusProto.fromThrowable(e);
      assertThat(detail).isNotNull();
      assertThat(detail.getDetails(0).unpack(RetryInfo.class).getRetryDelay().getSeconds())
          .isEqualTo(1);
    } finally {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void healthAndMetricsStayServed() throws Exception {
    assertThat(serve.get("/healthz").statusCode()).isEqualTo(200);
  }
}
