package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.isostack.correlator.receiver.TransportSecurity;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients the server must not trust: browser pages (cross-origin POST, DNS rebinding through a
 * wrong {@code Host}, simple content types), clients without the token or with a wrong one,
 * plaintext clients of a TLS port, TLS clients without a certificate on a mutual-TLS port. The
 * certificates are made in the test ({@link TestCertificates}).
 */
@Timeout(60)
class HostileClientTest {
  private static final String EVENT =
      "{\"event.name\":\"sched.offcpu\",\"time_ns\":1,\"dur_ns\":1,\"pid\":1}\n";

  @TempDir Path dir;

  /** One raw HTTP/1.1 request; the response's status line and headers. */
  private static String raw(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void crossOriginPostIsRefused() throws Exception {
    try (ServeFixture serve = new ServeFixture()) {
      HttpResponse<byte[]> r =
          serve.post(
              "/v1/kernel-events",
              "application/x-ndjson",
              EVENT.getBytes(StandardCharsets.UTF_8),
              "Origin",
              "http://evil.example");
      assertThat(r.statusCode()).isEqualTo(403);
      HttpResponse<byte[]> site =
          serve.post(
              "/v1/traces",
              "application/json",
              "{}".getBytes(StandardCharsets.UTF_8),
              "Sec-Fetch-Site",
              "cross-site");
      assertThat(site.statusCode()).isEqualTo(403);
      assertThat(serve.engine.stats().eventsReceived()).isZero();
    }
  }

  @Test
  void sameOriginRequestPasses() throws Exception {
    try (ServeFixture serve = new ServeFixture()) {
      HttpResponse<byte[]> r =
          serve.post(
              "/v1/kernel-events",
              "application/x-ndjson",
              EVENT.getBytes(StandardCharsets.UTF_8),
              "Origin",
              "http://127.0.0.1:" + serve.server.httpPort());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void textPlainKernelEventsAreRefusedUnsupported() throws Exception {
    // A browser page may POST text/plain anywhere without a preflight: a clock.sync this way
    // would rewrite a host's clock offset.
    try (ServeFixture serve = new ServeFixture()) {
      HttpResponse<byte[]> r =
          serve.post("/v1/kernel-events", "text/plain", EVENT.getBytes(StandardCharsets.UTF_8));
      assertThat(r.statusCode()).isEqualTo(415);
      HttpResponse<byte[]> form =
          serve.post(
              "/v1/kernel-events",
              "application/x-www-form-urlencoded",
              EVENT.getBytes(StandardCharsets.UTF_8));
      assertThat(form.statusCode()).isEqualTo(415);
    }
  }

  @Test
  void wrongHostIsRefused() throws Exception {
    try (ServeFixture serve = new ServeFixture()) {
      String rebound =
          raw(
              serve.server.httpPort(),
              "GET /api/findings HTTP/1.1\r\nHost: evil.example:4318\r\nConnection: close\r\n\r\n");
      assertThat(rebound).startsWith("HTTP/1.1 421");
      String local =
          raw(
              serve.server.httpPort(),
              "GET /api/findings HTTP/1.1\r\nHost: localhost:4318\r\nConnection: close\r\n\r\n");
      assertThat(local).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void responsesCarryNoServerVersionAndNoSniff() throws Exception {
    try (ServeFixture serve = new ServeFixture()) {
      String r =
          raw(
              serve.server.httpPort(),
              "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      assertThat(r).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("Server:");
      assertThat(r).containsIgnoringCase("X-Content-Type-Options: nosniff");
      assertThat(r)
          .containsIgnoringCase("Content-Security-Policy: default-src 'none'; script-src 'sha256-");
      String missing =
          raw(
              serve.server.httpPort(),
              "GET /nonesuch HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      assertThat(missing).startsWith("HTTP/1.1 404").doesNotContainIgnoringCase("jetty");
    }
  }

  private TransportSecurity tokenOnly(Path token) {
    return new TransportSecurity(null, null, null, token, List.of(), false);
  }

  @Test
  void missingOrWrongTokenIsUnauthorizedAndHealthzStaysOpen() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
    try (ServeFixture serve = new ServeFixture(tokenOnly(token))) {
      byte[] body = EVENT.getBytes(StandardCharsets.UTF_8);
      assertThat(serve.post("/v1/kernel-events", "application/x-ndjson", body).statusCode())
          .isEqualTo(401);
      assertThat(
              serve
                  .post(
                      "/v1/kernel-events",
                      "application/x-ndjson",
                      body,
                      "Authorization",
                      "Bearer wrong")
                  .statusCode())
          .isEqualTo(401);
      assertThat(serve.get("/api/findings").statusCode()).isEqualTo(401);
      assertThat(serve.get("/metrics").statusCode()).isEqualTo(401);
      assertThat(serve.get("/").statusCode()).isEqualTo(401);
      assertThat(serve.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(
              serve
                  .post(
                      "/v1/kernel-events",
                      "application/x-ndjson",
                      body,
                      "Authorization",
                      "Bearer s3cret")
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void grpcWithoutTheTokenIsUnauthenticated() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "s3cret");
    try (ServeFixture serve = new ServeFixture(tokenOnly(token))) {
      ManagedChannel c =
          NettyChannelBuilder.forAddress("127.0.0.1", serve.server.grpcPort())
              .usePlaintext()
              .build();
      try {
        var stub = stub(c);
        StatusRuntimeException e =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () -> stub.export(OtlpData.withOneInvalidSpan(ServeFixture.now())));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        Metadata auth = new Metadata();
        auth.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer s3cret");
        assertThat(
                rejectedOfOneInvalidSpan(
                    stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth))))
            .isEqualTo(1);
      } finally {
        close(c);
      }
    }
  }

  @Test
  void changedTokenFileIsReadAgain() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "first");
    try (ServeFixture serve = new ServeFixture(tokenOnly(token))) {
      Files.writeString(token, "second");
      Files.setLastModifiedTime(
          token, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
      Thread.sleep(1_100);
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(serve.url("/api/stats")))
              .timeout(Duration.ofSeconds(10));
      assertThat(
              serve
                  .http
                  .send(
                      b.header("Authorization", "Bearer second").build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void tokenOverPlaintextOnANonLoopbackAddressIsAUsageError() {
    Path token = dir.resolve("token");
    assertThatThrownBy(() -> tokenOnly(token).validate("0.0.0.0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--token-file")
        .hasMessageContaining("--tls-cert");
    new TransportSecurity(null, null, null, token, List.of(), true).validate("0.0.0.0");
    tokenOnly(token).validate("127.0.0.1");
  }

  /**
   * A TLS channel to the server's gRPC port, trusting the test CA, without a client certificate.
   */
  private static ManagedChannel tlsChannel(ServeFixture serve, TestCertificates pki)
      throws SSLException {
    return NettyChannelBuilder.forAddress("localhost", serve.server.grpcPort())
        .sslContext(GrpcSslContexts.forClient().trustManager(pki.caPem.toFile()).build())
        .build();
  }

  /** A trace-service stub on {@code c} with a 10 s deadline. */
  private static TraceServiceGrpc.TraceServiceBlockingStub stub(ManagedChannel c) {
    return TraceServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** Exports one span the receiver rejects; returns the rejected count the server answers. */
  private static long rejectedOfOneInvalidSpan(TraceServiceGrpc.TraceServiceBlockingStub stub) {
    return stub.export(OtlpData.withOneInvalidSpan(ServeFixture.now()))
        .getPartialSuccess()
        .getRejectedSpans();
  }

  /** Shuts {@code c} down now and waits up to 5 s for it to end. */
  private static void close(ManagedChannel c) throws InterruptedException {
    c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static HttpClient https(SSLContext context) {
    return HttpClient.newBuilder()
        .sslContext(context)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Test
  void tlsServesBothReceiversAndRefusesPlaintext() throws Exception {
    TestCertificates pki = new TestCertificates(dir);
    TransportSecurity tls =
        new TransportSecurity(pki.serverCert, pki.serverKey, null, null, List.of(), false);
    try (ServeFixture serve = new ServeFixture(tls)) {
      int port = serve.server.httpPort();
      HttpResponse<String> r =
          https(pki.clientContext(false))
              .send(
                  HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/healthz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(raw(port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"))
          .doesNotContain("200");

      ManagedChannel c = tlsChannel(serve, pki);
      try {
        assertThat(rejectedOfOneInvalidSpan(stub(c))).isEqualTo(1);
      } finally {
        close(c);
      }
    }
  }

  @Test
  void mutualTlsRefusesClientsWithoutACertificate() throws Exception {
    TestCertificates pki = new TestCertificates(dir);
    TransportSecurity mtls =
        new TransportSecurity(pki.serverCert, pki.serverKey, pki.caPem, null, List.of(), false);
    try (ServeFixture serve = new ServeFixture(mtls)) {
      URI healthz = URI.create("https://localhost:" + serve.server.httpPort() + "/healthz");
      assertThatThrownBy(
              () ->
                  https(pki.clientContext(false))
                      .send(
                          HttpRequest.newBuilder(healthz).build(),
                          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
      assertThat(
              https(pki.clientContext(true))
                  .send(
                      HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);

      ManagedChannel anonymous = tlsChannel(serve, pki);
      ManagedChannel known =
          NettyChannelBuilder.forAddress("localhost", serve.server.grpcPort())
              .sslContext(
                  GrpcSslContexts.forClient()
                      .trustManager(pki.caPem.toFile())
                      .keyManager(pki.clientCert.toFile(), pki.clientKey.toFile())
                      .build())
              .build();
      try {
        StatusRuntimeException e =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () -> stub(anonymous).export(OtlpData.withOneInvalidSpan(ServeFixture.now())));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(rejectedOfOneInvalidSpan(stub(known))).isEqualTo(1);
      } finally {
        close(anonymous);
        close(known);
      }
    }
  }

  @Test
  void renewedCertificateIsServedWithoutARestart() throws Exception {
    TestCertificates pki = new TestCertificates(dir);
    TransportSecurity tls =
        new TransportSecurity(pki.serverCert, pki.serverKey, null, null, List.of(), false);
    try (ServeFixture serve = new ServeFixture(tls)) {
      java.security.cert.X509Certificate renewed = pki.renewServer();
      URI healthz = URI.create("https://localhost:" + serve.server.httpPort() + "/healthz");
      long deadline = System.nanoTime() + 20_000_000_000L;
      java.math.BigInteger served = null;
      while (System.nanoTime() < deadline) {
        HttpResponse<String> r =
            https(pki.clientContext(false))
                .send(
                    HttpRequest.newBuilder(healthz).build(), HttpResponse.BodyHandlers.ofString());
        served =
            ((java.security.cert.X509Certificate)
                    r.sslSession().orElseThrow().getPeerCertificates()[0])
                .getSerialNumber();
        if (served.equals(renewed.getSerialNumber())) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(served).isEqualTo(renewed.getSerialNumber());
    }
  }
}
