package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * OTLP logs files read as {@code analyze} reads them: opentelemetry-proto's {@code
 * examples/logs.json} (commit ac2c4b5, a plain record), the Collector file exporter's one request
 * per line, and the same requests as protobuf, bare and length-prefixed; broken and truncated
 * variants.
 */
class OtlpLogsFormatTest {
  private static final String SAMPLE = "otlp/opentelemetry_proto_examples_logs.json";
  private static final String CANONICAL_RECORD =
      "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"host.name\",\"value\":"
          + "{\"stringValue\":\"node-1\"}}]},\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":"
          + "\"1795265544053193000\",\"attributes\":[{\"key\":\"event.name\",\"value\":"
          + "{\"stringValue\":\"mem.oom_kill\"}},{\"key\":\"pid\",\"value\":{\"intValue\":\"42\"}}]},"
          + "{\"timeUnixNano\":\"1795265544053193001\",\"body\":{\"stringValue\":"
          + "\"virtio_net virtio0 eth0: TX timeout on queue: 0\"}}]}]}]}";

  private final SpiReads reads = new SpiReads();

  @Test
  void theProtoExampleIsDetectedAndItsPlainRecordBecomesALogEvent() {
    ReadSummary s = reads.resource(SAMPLE);

    assertThat(reads.detected).isEqualTo("otlp-logs-json");
    assertThat(reads.rejects).isEmpty();
    assertThat(s.records()).isEqualTo(1);
    KernelEvent e = reads.events.get(0);
    assertThat(e.name()).isEqualTo(EventName.LOG);
    assertThat(e.endEpochNanos()).isEqualTo(1544712660300000000L);
    assertThat(e.host()).isEqualTo("default-host");
    assertThat(e.source()).isEqualTo("otlp-log");
    assertThat(e.attrs())
        .containsEntry("message", "Example log record")
        .containsEntry("severity", "Information")
        .containsEntry("severity_number", "10")
        .containsEntry("trace_id", "5b8efff798038103d269b633813fc60c")
        .containsEntry("span_id", "eee19b7ec3c1b174")
        .containsEntry("service.name", "my.service")
        .containsEntry("string.attribute", "some string")
        .containsEntry("int.attribute", "10");
  }

  @Test
  void fileExporterLinesMixCanonicalAndPlainRecords() {
    ReadSummary s = reads.text(CANONICAL_RECORD + "\n\n" + compact(SAMPLE) + "\n");

    assertThat(reads.detected).isEqualTo("otlp-logs-json");
    assertThat(reads.events)
        .extracting(KernelEvent::name, KernelEvent::host, KernelEvent::pid)
        .containsExactly(
            tuple(EventName.MEM_OOM_KILL, "node-1", 42),
            tuple(EventName.LOG, "node-1", KernelEvent.UNKNOWN_PID),
            tuple(EventName.LOG, "default-host", KernelEvent.UNKNOWN_PID));
    assertThat(reads.events.get(1).attr("message")).contains("TX timeout");
    assertThat(s).isEqualTo(new ReadSummary(3, 3, 0, 0));
  }

  @Test
  void aBrokenLineIsRejectedWithItsLineAndTheOthersAreRead() {
    String sample = compact(SAMPLE);
    ReadSummary s =
        reads.text(sample + "\n" + sample.substring(0, sample.length() / 2) + "\n" + sample);

    assertThat(reads.rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(tuple(2L, RejectReason.INVALID_JSON));
    assertThat(s.records()).isEqualTo(2);
  }

  @Test
  void aRecordWithoutTimeIsRejectedNamingItsPositionInTheRequest() {
    String noTime = CANONICAL_RECORD.replace("\"timeUnixNano\":\"1795265544053193001\",", "");
    reads.text(noTime + "\n");

    assertThat(reads.rejects)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.line()).isEqualTo(1);
              assertThat(r.reason()).isEqualTo(RejectReason.MISSING_FIELD);
              assertThat(r.message()).startsWith("log record 2: ").contains("time_ns");
            });
    assertThat(reads.events).hasSize(1);
  }

  @Test
  void protobufBareAndLengthPrefixedAreDetectedAndRead() throws IOException {
    byte[] a = request(CANONICAL_RECORD).toByteArray();
    byte[] b = request(compact(SAMPLE)).toByteArray();

    ReadSummary bare = reads.bytes(a, "bare.pb");
    assertThat(reads.detected).isEqualTo("otlp-logs-proto");
    assertThat(bare).isEqualTo(new ReadSummary(1, 2, 0, 0));

    SpiReads framed = new SpiReads();
    ReadSummary f = framed.bytes(frame(a, b), "framed.pb");
    assertThat(framed.detected).isEqualTo("otlp-logs-proto");
    assertThat(f).isEqualTo(new ReadSummary(2, 3, 0, 0));
    assertThat(framed.events).extracting(KernelEvent::name).endsWith(EventName.LOG);
  }

  @Test
  void aTruncatedFramedFileKeepsTheCompleteMessages() throws IOException {
    byte[] a = request(CANONICAL_RECORD).toByteArray();
    byte[] all = frame(a, a);
    ReadSummary s =
        reads.read(FormatReaders.event("otlp-logs-proto"), Arrays.copyOf(all, all.length - 5), "t");

    assertThat(reads.rejects)
        .extracting(Rejection::line, Rejection::reason)
        .containsExactly(tuple(2L, RejectReason.TRUNCATED));
    assertThat(s.records()).isEqualTo(2);
  }

  @Test
  void traceProtobufIsStillTakenForTraces() {
    byte[] head = {0x0A, 0x10, 0x12, 0x0E, 0x12, 0x0C, 0x0A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    FormatReaders.Detected d = FormatReaders.detect(InputHead.of(head, head.length));

    assertThat(d.format().name()).isEqualTo("otlp-proto");
  }

  private static ExportLogsServiceRequest request(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return OtlpLogEventsJson.parse(b, 0, b.length);
  }

  private static byte[] frame(byte[]... messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] m : messages) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(m.length).array());
      out.writeBytes(m);
    }
    return out.toByteArray();
  }

  private static String compact(String resource) {
    try (InputStream in = OtlpLogsFormatTest.class.getResourceAsStream("/" + resource)) {
      return JsonEventFraming.MAPPER.readTree(in).toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
