package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.receiver.MemoryLimiter;
import io.isostack.correlator.receiver.ReceiverLimits;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Slow clients on loopback raw sockets cannot starve the HTTP port. */
@Timeout(60)
class SlowClientTest {
  private static final int SLOW_CLIENTS = 30;

  /** Opens a connection and sends the head of a 1000-byte body plus one byte of it. */
  private static Socket slowBody(int port) throws Exception {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout(5_000);
    OutputStream out = s.getOutputStream();
    out.write(
        ("POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\n\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  private static String statusLine(Socket s) throws Exception {
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
        .readLine();
  }

  @Test
  void healthMetricsAndOtlpStayResponsiveWhileThirtyBodiesTrickle() throws Exception {
    try (ServeFixture serve = new ServeFixture()) {
      int port = serve.server.httpPort();
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < SLOW_CLIENTS; i++) {
          slow.add(slowBody(port));
        }
        Thread.sleep(300); // every slow request has reached its handler

        long t0 = System.nanoTime();
        assertThat(serve.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(serve.get("/api/stats").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> otlp =
            serve.post(
                "/v1/traces",
                "application/x-protobuf",
                OtlpData.withOneInvalidSpan(ServeFixture.now()).toByteArray());
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(millis).as("answered within a second").isLessThan(1_000);
        assertThat(otlp.statusCode()).isIn(200, 429);
        if (otlp.statusCode() == 429) {
          assertThat(otlp.headers().firstValue("Retry-After")).hasValue("1");
        }
        // Beyond the cap of concurrent bodies the slow ones were told to retry at once.
        int refused = 0;
        for (Socket s : slow) {
          s.setSoTimeout(300);
          try {
            String line = statusLine(s);
            if (line != null && line.contains(" 429 ")) {
              refused++;
            }
          } catch (java.net.SocketTimeoutException stillReading) {
            // one of the bodies being read
          }
        }
        assertThat(refused)
            .isEqualTo(SLOW_CLIENTS - ReceiverLimits.DEFAULTS.maxConcurrentRequests());
      } finally {
        for (Socket s : slow) {
          s.close();
        }
      }
    }
  }

  @Test
  void aBodyNotInWithinTheReadTimeoutIs408() throws Exception {
    MemoryLimiter memory = new MemoryLimiter(1L << 30, 1L << 31);
    ServerConnector connector = LoopbackOtlpHttp.start(1 << 20, memory, 4, 1_000_000_000L);
    Server server = connector.getServer();
    try (Socket s = slowBody(connector.getLocalPort())) {
      OutputStream out = s.getOutputStream();
      long t0 = System.nanoTime();
      String line = null;
      for (int i = 0; i < 30 && line == null; i++) {
        Thread.sleep(200);
        try {
          out.write('\n'); // one byte every 200 ms: never idle, far too slow
          out.flush();
        } catch (java.io.IOException closed) {
          break;
        }
        if (s.getInputStream().available() > 0) {
          line = statusLine(s);
        }
      }
      if (line == null) {
        line = statusLine(s);
      }
      long millis = (System.nanoTime() - t0) / 1_000_000;

      assertThat(line).contains(" 408 ");
      assertThat(millis).isLessThan(3_000);
      assertThat(memory.usedBytes()).isZero();
    } finally {
      server.stop();
    }
  }
}
