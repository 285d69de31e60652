package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.receiver.MemoryLimiter;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eight parallel gzip bombs (about 60 KiB each, 60 MiB inflated) against a 48 MiB memory limit:
 * each is refused (503, retryable) or, once inflated within the limit, rejected (400: zeros are no
 * protobuf); none takes the heap, and every byte reserved for them is released.
 */
@Timeout(60)
class GzipBombMemoryTest {
  private static byte[] bomb(int inflatedBytes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      byte[] zeros = new byte[1 << 20];
      for (int n = 0; n < inflatedBytes; n += zeros.length) {
        gz.write(zeros, 0, Math.min(zeros.length, inflatedBytes - n));
      }
    }
    return out.toByteArray();
  }

  @Test
  void parallelGzipBombsAreRefusedWithinTheMemoryLimit() throws Exception {
    MemoryLimiter memory = new MemoryLimiter(40L << 20, 48L << 20);
    ServerConnector connector = LoopbackOtlpHttp.start(64L << 20, memory, 16, 20_000_000_000L);
    Server server = connector.getServer();
    byte[] body = bomb(60 << 20);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        answers.add(
            pool.submit(
                () ->
                    http.send(
                            HttpRequest.newBuilder(
                                    URI.create(
                                        "http://127.0.0.1:"
                                            + connector.getLocalPort()
                                            + "/v1/traces"))
                                .header("Content-Type", "application/x-protobuf")
                                .header("Content-Encoding", "gzip")
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()));
      }
      for (Future<Integer> a : answers) {
        assertThat(a.get()).isIn(400, 503);
      }
      assertThat(memory.highWaterBytes()).isLessThanOrEqualTo(48L << 20);
      assertThat(memory.usedBytes()).isZero();
      assertThat(memory.refusals()).isPositive();
    } finally {
      pool.shutdownNow();
      server.stop();
    }
  }
}
