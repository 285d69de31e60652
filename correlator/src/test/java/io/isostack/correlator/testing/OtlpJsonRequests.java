package io.isostack.correlator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/** The shipped OTLP/JSON trace lines as protobuf requests, for tests of the protobuf paths. */
public final class OtlpJsonRequests {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private OtlpJsonRequests() {}

  /**
   * One OTLP/JSON line (hex ids, as the Collector's file exporter writes them) as a request: the
   * ids become base64 first, as {@code JsonFormat} expects; unknown fields are ignored.
   *
   * @throws IOException if the line is not JSON or not a request
   */
  public static ExportTraceServiceRequest traces(String line) throws IOException {
    JsonNode root = JSON.readTree(line);
    hexIdsToBase64(root);
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(JSON.writeValueAsString(root), b);
    return b.build();
  }

  private static void hexIdsToBase64(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (String id : List.of("traceId", "spanId", "parentSpanId")) {
        JsonNode v = o.get(id);
        if (v != null && v.isTextual()) {
          o.put(id, Base64.getEncoder().encodeToString(HEX.parseHex(v.asText())));
        }
      }
    }
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      hexIdsToBase64(it.next());
    }
  }
}
