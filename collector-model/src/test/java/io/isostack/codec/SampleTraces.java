package io.isostack.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/** The OTLP/JSON trace files under {@code samples/data}, and their lines as protobuf requests. */
final class SampleTraces {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private SampleTraces() {}

  /** Every {@code traces.jsonl} under {@code ../samples/data} (the module's parent), sorted. */
  static List<Path> files() throws IOException {
    Path data = Path.of("../samples/data");
    try (Stream<Path> s = Files.walk(data)) {
      return s.filter(p -> p.getFileName().toString().equals("traces.jsonl")).sorted().toList();
    }
  }

  /** The non-blank lines of a file, each an OTLP/JSON {@code ExportTraceServiceRequest}. */
  static List<String> lines(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(line);
      }
    }
    return out;
  }

  /** One OTLP/JSON line as protobuf: hex ids become base64 first, as {@code JsonFormat} wants. */
  static ExportTraceServiceRequest request(String line) throws IOException {
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
