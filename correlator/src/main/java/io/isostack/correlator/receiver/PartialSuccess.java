package io.isostack.correlator.receiver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The OTLP answer to an accepted request, the same for gRPC and HTTP: an empty response, or a
 * {@code partial_success} with the number of rejected records and the error message when some were
 * rejected (OTLP specification, "Partial Success"; docs/formats/05-otlp.md). Stateless and
 * thread-safe.
 */
public final class PartialSuccess {
  private static final JsonFactory JSON_FACTORY = new JsonFactory();

  private PartialSuccess() {}

  /** The {@code ExportTraceServiceResponse} for an accepted traces request. */
  public static ExportTraceServiceResponse traces(IngestResult r) {
    ExportTraceServiceResponse.Builder b = ExportTraceServiceResponse.newBuilder();
    if (r.rejected() > 0) {
      b.setPartialSuccess(
          ExportTracePartialSuccess.newBuilder()
              .setRejectedSpans(r.rejected())
              .setErrorMessage(r.message()));
    }
    return b.build();
  }

  /** The {@code ExportLogsServiceResponse} for an accepted logs request. */
  public static ExportLogsServiceResponse logs(IngestResult r) {
    ExportLogsServiceResponse.Builder b = ExportLogsServiceResponse.newBuilder();
    if (r.rejected() > 0) {
      b.setPartialSuccess(
          ExportLogsPartialSuccess.newBuilder()
              .setRejectedLogRecords(r.rejected())
              .setErrorMessage(r.message()));
    }
    return b.build();
  }

  /**
   * The same answer in the OTLP/JSON encoding: {@code {}} or {@code
   * {"partialSuccess":{"rejectedSpans":"2","errorMessage":"…"}}} (64-bit counts as strings).
   *
   * @param spans true for a traces request ({@code rejectedSpans}), false for logs ({@code
   *     rejectedLogRecords})
   */
  public static byte[] json(IngestResult r, boolean spans) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON_FACTORY.createGenerator(out)) {
      g.writeStartObject();
      if (r.rejected() > 0) {
        g.writeObjectFieldStart("partialSuccess");
        g.writeStringField(
            spans ? "rejectedSpans" : "rejectedLogRecords", Long.toString(r.rejected()));
        g.writeStringField("errorMessage", r.message());
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
    return out.toByteArray();
  }
}
