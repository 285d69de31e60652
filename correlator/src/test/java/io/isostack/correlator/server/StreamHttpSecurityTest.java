package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.receiver.TransportSecurity;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.stream.CorrelatorStream;
import io.isostack.correlator.stream.StreamSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP face of {@code stream} ({@link StreamServer}) has {@code serve}'s transport security:
 * TLS with PEM files, mutual TLS, the bearer token on every path but {@code /healthz}, and no token
 * over plaintext off loopback. Certificates are made in the test ({@link TestCertificates}); the
 * Kafka Streams instance is built but not started (no broker is needed for the HTTP face).
 */
@Timeout(60)
class StreamHttpSecurityTest {
  @TempDir Path dir;

  private StreamServer server(TransportSecurity security) throws IOException {
    StreamSettings settings =
        StreamSettings.defaults(
            "127.0.0.1:9",
            LiveSettings.defaults(AnalyzerSettings.defaults()),
            Files.createDirectories(dir.resolve("state")));
    CorrelatorStream stream = new CorrelatorStream(settings, RuleTable.defaults(), f -> {});
    StreamServer server =
        new StreamServer(stream, new StreamServer.Settings("127.0.0.1", 0, true, security), null);
    server.startHttp();
    return server;
  }

  private static HttpResponse<String> get(SSLContext tls, int port, String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newBuilder()
        .sslContext(tls)
        .connectTimeout(Duration.ofSeconds(5))
        .build()
        .send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void tlsAndTheTokenGuardTheApiAndHealthzStaysOpen() throws Exception {
    TestCertificates pki = new TestCertificates(dir);
    Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
    TransportSecurity security =
        new TransportSecurity(pki.serverCert, pki.serverKey, null, token, List.of(), false);
    try (StreamServer server = server(security)) {
      int port = server.httpPort();
      SSLContext tls = pki.clientContext(false);

      assertThat(get(tls, port, "/healthz", null).statusCode()).isEqualTo(503); // not started
      HttpResponse<String> anonymous = get(tls, port, "/api/stats", null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"isostack\"");
      assertThat(get(tls, port, "/api/stats", "wrong").statusCode()).isEqualTo(401);
      HttpResponse<String> stats = get(tls, port, "/api/stats", "s3cret");
      assertThat(stats.statusCode()).isEqualTo(200);
      assertThat(stats.body()).contains("\"state\":\"CREATED\"");
      assertThat(get(tls, port, "/metrics", null).statusCode()).isIn(401, 404);

      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThatThrownBy(
              () ->
                  plain.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                          .timeout(Duration.ofSeconds(5))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void mutualTlsRefusesClientsWithoutACertificate() throws Exception {
    TestCertificates pki = new TestCertificates(dir);
    TransportSecurity mtls =
        new TransportSecurity(pki.serverCert, pki.serverKey, pki.caPem, null, List.of(), false);
    try (StreamServer server = server(mtls)) {
      int port = server.httpPort();
      assertThatThrownBy(() -> get(pki.clientContext(false), port, "/api/stats", null))
          .isInstanceOf(IOException.class);
      assertThat(get(pki.clientContext(true), port, "/api/stats", null).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void aTokenOverPlaintextOffLoopbackIsRefusedAtStartUp() {
    Path token = dir.resolve("token");
    TransportSecurity tokenOnly = new TransportSecurity(null, null, null, token, List.of(), false);
    assertThatThrownBy(() -> new StreamServer.Settings("0.0.0.0", 0, true, tokenOnly))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--token-file")
        .hasMessageContaining("--tls-cert");
  }
}
