package io.isostack.correlator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code serve} takes the formats of the reader SPI: OTLP logs, named event formats. */
class LiveFormatsTest {
  /** opentelemetry-proto's examples/logs.json: one plain record (no canonical attributes). */
  private static final Path LOGS_EXAMPLE =
      Path.of("../collector-model/src/test/resources/otlp/opentelemetry_proto_examples_logs.json");

  @Test
  void aPlainOtlpLogRecordIsALogEventNotARejection() throws Exception {
    try (ServeFixture f = new ServeFixture()) {
      HttpResponse<byte[]> r =
          f.post("/v1/logs", "application/json", Files.readAllBytes(LOGS_EXAMPLE));

      assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
      f.awaitStats(s -> s.eventsReceived() == 1);
    }
  }

  @Test
  void kernelEventsTakeANamedFormatAndAnUnknownNameIs400NamingTheKnownOnes() throws Exception {
    try (ServeFixture f = new ServeFixture()) {
      HttpResponse<byte[]> ok =
          f.post(
              "/v1/kernel-events?format=otlp-logs-json",
              "application/json",
              Files.readAllBytes(LOGS_EXAMPLE));
      HttpResponse<byte[]> bad =
          f.post("/v1/kernel-events?format=nonesuch", "application/json", "{}".getBytes());

      assertThat(new String(ok.body(), StandardCharsets.UTF_8)).contains("\"accepted\":1");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(new String(bad.body(), StandardCharsets.UTF_8))
          .contains("unknown event format 'nonesuch'")
          .contains("tetragon")
          .contains("dmesg");
    }
  }

  @Test
  void aFollowedInputInAFormatThatIsNotLineFramedIsRefusedAtStartUp() {
    assertThatThrownBy(
            () -> new ServeFixture(10, false, List.of("otlp-logs-proto:/tmp/x.pb"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("otlp-logs-proto cannot be read line by line");
  }
}
