package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.isostack.correlator.metrics.RequestRefusalMetrics;
import io.isostack.correlator.receiver.RequestRefusals;
import io.isostack.correlator.receiver.TransportSecurity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gRPC port checks {@code :authority} as the HTTP port checks {@code Host} (DNS rebinding): a
 * real grpc-java client overriding the authority ({@code ManagedChannelBuilder.overrideAuthority})
 * is refused {@code PERMISSION_DENIED}, counted, and nothing is ingested; loopback names and {@code
 * --allowed-host} names pass.
 */
@Timeout(60)
class GrpcAuthorityTest {

  /** Exports one request with {@code authority}; the rejected-span count the server answers. */
  private static long export(ServeFixture serve, String authority) throws InterruptedException {
    ManagedChannel c =
        NettyChannelBuilder.forAddress("127.0.0.1", serve.server.grpcPort())
            .overrideAuthority(authority)
            .usePlaintext()
            .build();
    try {
      return TraceServiceGrpc.newBlockingStub(c)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .export(OtlpData.withOneInvalidSpan(ServeFixture.now()))
          .getPartialSuccess()
          .getRejectedSpans();
    } finally {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aForeignAuthorityIsPermissionDeniedCountedAndIngestsNothing() throws Exception {
    try (ServeFixture serve = new ServeFixture()) {
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> export(serve, "evil.example:" + serve.server.grpcPort()));

      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(e.getStatus().getDescription()).contains("evil.example").contains("allowed-host");
      assertThat(serve.server.refusals().count(RequestRefusals.Reason.WRONG_HOST)).isEqualTo(1);
      export(serve, "127.0.0.1:" + serve.server.grpcPort()); // then one allowed request (2 spans)
      serve.awaitStats(st -> st.spansReceived() >= 2);
      Thread.sleep(150); // three more engine ticks: the refused request's spans would show by now
      assertThat(serve.engine.stats().spansReceived()).isEqualTo(2);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      new RequestRefusalMetrics(serve.server.refusals()).bindTo(registry);
      assertThat(
              registry
                  .get("correlator.requests.refused")
                  .tag("reason", "wrong-host")
                  .functionCounter()
                  .count())
          .isEqualTo(1.0);
    }
  }

  @Test
  void loopbackAuthoritiesPass() throws Exception {
    try (ServeFixture serve = new ServeFixture()) {
      int port = serve.server.grpcPort();
      assertThat(export(serve, "localhost:" + port)).isEqualTo(1);
      assertThat(export(serve, "127.0.0.1:" + port)).isEqualTo(1);
      assertThat(export(serve, "[::1]:" + port)).isEqualTo(1);
      assertThat(serve.server.refusals().count(RequestRefusals.Reason.WRONG_HOST)).isZero();
    }
  }

  @Test
  void anAllowedHostPassesAndOthersStillDoNot() throws Exception {
    TransportSecurity allowed =
        new TransportSecurity(null, null, null, null, List.of("Collector.Internal."), false);
    try (ServeFixture serve = new ServeFixture(allowed)) {
      int port = serve.server.grpcPort();
      assertThat(export(serve, "collector.internal:" + port)).isEqualTo(1);
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class, () -> export(serve, "other.internal:" + port));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
  }
}
