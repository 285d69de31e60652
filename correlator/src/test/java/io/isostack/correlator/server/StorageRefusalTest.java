package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.isostack.clock.ClockConverter;
import io.isostack.codec.LibbpfToolsReader;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.receiver.TransportSecurity;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.storage.WriteAheadStore;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A request {@code --storage} cannot keep is refused as retryable, never answered OK. */
@Timeout(30)
class StorageRefusalTest {
  @TempDir Path dir;

  @Test
  void aFullStoreRefusesWith503AndUnavailableAndNothingReachesTheEngine() throws Exception {
    LiveAnalyzer engine =
        new LiveAnalyzer(
            RuleTable.defaults(),
            LiveSettings.defaults(AnalyzerSettings.defaults().withDefaultHost(ServeFixture.HOST)),
            ServeFixture::now,
            f -> {});
    WriteAheadStore store = WriteAheadStore.open(dir, 16); // smaller than any request
    LiveServer server =
        new LiveServer(
            engine,
            new ClockConverter(),
            new LiveServer.Settings(
                "127.0.0.1",
                0,
                0,
                1024 * 1024,
                true,
                List.of(),
                List.of(),
                ServeFixture.HOST,
                LibbpfToolsReader.Options.defaults(Clock.systemUTC()),
                TransportSecurity.NONE));
    server.useStorage(store);
    server.start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    try {
      HttpResponse<String> http =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/traces"))
                      .timeout(Duration.ofSeconds(10))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              OtlpData.withOneInvalidSpanJson(ServeFixture.now())))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(http.statusCode()).isEqualTo(503);
      assertThat(http.headers().firstValue("Retry-After")).isPresent();

      StatusRuntimeException grpc =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  TraceServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .export(OtlpData.withOneInvalidSpan(ServeFixture.now())));
      assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

      assertThat(store.counts().writeFailures()).isEqualTo(2);
      assertThat(store.entries()).isZero();
      Thread.sleep(200); // two engine ticks
      assertThat(engine.stats().spansReceived()).isZero();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.close();
    }
  }
}
