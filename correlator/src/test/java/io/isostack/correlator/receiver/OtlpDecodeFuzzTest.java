package io.isostack.correlator.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.isostack.clock.ClockConverter;
import io.isostack.codec.ReadContext;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz tests (Jazzer) of the live decode paths after the transport: the OTLP/gRPC Export payloads
 * ({@link OtlpGrpcReceiver#decodeTraces}, {@link OtlpGrpcReceiver#decodeLogs}) and the OTLP/HTTP
 * and kernel-event bodies ({@link OtlpHttpReceiver#decode}). Whatever the bytes, the answer is
 * accepted or invalid, never an exception (which a transport would answer 500 or {@code UNKNOWN}),
 * within 1 s. Seeds: {@code src/test/resources/io/isostack/correlator/receiver/
 * OtlpDecodeFuzzTestInputs/<method>/}; {@code mvn -Pfuzz -Dfuzz.test=OtlpDecodeFuzzTest#grpc}
 * fuzzes.
 */
class OtlpDecodeFuzzTest {
  private static final String[] PATHS = {
    OtlpHttpReceiver.TRACES, OtlpHttpReceiver.LOGS, OtlpHttpReceiver.KERNEL_EVENTS
  };
  private static final String[] FORMATS = {
    null,
    "events",
    "tetragon",
    "ig",
    "libbpf:runqlat",
    "otlp-logs-json",
    "otlp-logs-proto",
    "dmesg",
    "dmesg-json",
    "journald"
  };

  private static final LiveIngest INGEST =
      new LiveIngest(
          new Sink(),
          new Sink(),
          ReadContext.of(new ClockConverter(), "h", Clock.systemUTC()),
          new RejectTally(System::nanoTime));

  @BeforeAll
  static void warmUp() {
    byte[] b = "{}".getBytes(StandardCharsets.UTF_8);
    OtlpGrpcReceiver.decodeTraces(INGEST, b);
    for (String path : PATHS) {
      OtlpHttpReceiver.decode(INGEST, path, true, b, b.length, null, "fuzz");
    }
  }

  /** Both gRPC Export methods on the same payload. */
  @Timeout(value = 1, unit = TimeUnit.SECONDS)
  @FuzzTest(maxDuration = "10m")
  void grpc(byte[] payload) {
    assertDecoded(OtlpGrpcReceiver.decodeTraces(INGEST, payload));
    assertDecoded(OtlpGrpcReceiver.decodeLogs(INGEST, payload));
  }

  /** One HTTP endpoint, content type and kernel-event format chosen by the fuzzer. */
  @Timeout(value = 1, unit = TimeUnit.SECONDS)
  @FuzzTest(maxDuration = "10m")
  void http(FuzzedDataProvider data) {
    String path = data.pickValue(PATHS);
    boolean json = data.consumeBoolean();
    String format = data.pickValue(FORMATS);
    byte[] body = data.consumeRemainingAsBytes();
    assertDecoded(OtlpHttpReceiver.decode(INGEST, path, json, body, body.length, format, "fuzz"));
  }

  /** Every HTTP endpoint, JSON and protobuf, on the same body (the seeds' target). */
  @Timeout(value = 1, unit = TimeUnit.SECONDS)
  @FuzzTest(maxDuration = "10m")
  void httpBodies(byte[] body) {
    for (String path : PATHS) {
      for (boolean json : new boolean[] {true, false}) {
        assertDecoded(OtlpHttpReceiver.decode(INGEST, path, json, body, body.length, null, "f"));
      }
    }
  }

  private static void assertDecoded(IngestResult r) {
    assertThat(r.outcome()).isNotEqualTo(IngestResult.Outcome.REFUSED);
  }

  /** Takes everything and keeps nothing. */
  private static final class Sink implements SpanConsumer, EventConsumer {
    @Override
    public boolean offerSpans(Collection<SpanView> spans) {
      return true;
    }

    @Override
    public boolean offerEvents(Collection<KernelEvent> events) {
      return true;
    }

    @Override
    public void putEvents(Collection<KernelEvent> events) {}
  }
}
