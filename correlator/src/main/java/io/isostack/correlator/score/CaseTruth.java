package io.isostack.correlator.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The ground truth of one recorded case, read from its {@code expected.json} (written from what was
 * induced, never from the tool's output).
 *
 * @param name the case (its directory's name)
 * @param healthy whether no fault was induced: then no kernel layer may be blamed
 * @param layer the isolation layer that lost the time ({@code L-3}, {@code host}...); null when
 *     healthy
 * @param network whether it is that layer's network slice
 * @param causes the cause codes that name the fault ({@code cpu-throttle}...)
 * @param faultStartEpochNanos start of the fault window, epoch ns
 * @param faultEndEpochNanos end of the fault window, epoch ns
 * @param slowRootNanos a trace is slow when its root span lasts at least this long, nanoseconds
 * @param rootService the service of the requests' root span
 * @param rootName the name of the requests' root span
 * @param analyzeDate the {@code --date} of libbpf-tools' {@code HH:MM:SS} times (the recording's
 *     UTC day), or null
 * @param hostLoadCauses the {@code host} causes of the load the recording itself put on the host
 *     ({@code hostLoad.causes}: {@code cpu-saturation} when CPU-bound processes ran throughout), so
 *     that a request it delayed lost its time to the host for real; empty when none was induced
 */
public record CaseTruth(
    String name,
    boolean healthy,
    String layer,
    boolean network,
    List<String> causes,
    long faultStartEpochNanos,
    long faultEndEpochNanos,
    long slowRootNanos,
    String rootService,
    String rootName,
    String analyzeDate,
    List<String> hostLoadCauses) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Validates; the message names the field. */
  public CaseTruth {
    Objects.requireNonNull(name, "name");
    causes = List.copyOf(causes);
    hostLoadCauses = List.copyOf(hostLoadCauses);
    if (!healthy && (layer == null || causes.isEmpty())) {
      throw new IllegalArgumentException("a fault case needs expected.layer and expected.causes");
    }
    if (faultEndEpochNanos < faultStartEpochNanos || slowRootNanos <= 0) {
      throw new IllegalArgumentException("faultWindow and slowTrace.rootAtLeastNanos invalid");
    }
  }

  /**
   * Reads a case's {@code expected.json}.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if a field is missing or invalid (the message names it)
   */
  public static CaseTruth read(Path caseDir) throws IOException {
    JsonNode e = JSON.readTree(caseDir.resolve("expected.json").toFile());
    JsonNode exp = e.path("expected");
    List<String> causes = new ArrayList<>();
    exp.path("causes").forEach(c -> causes.add(c.asText()));
    List<String> loadCauses = new ArrayList<>();
    e.path("hostLoad").path("causes").forEach(c -> loadCauses.add(c.asText()));
    JsonNode w = e.path("faultWindow");
    JsonNode slow = e.path("slowTrace");
    return new CaseTruth(
        caseDir.getFileName().toString(),
        e.path("healthy").asBoolean(false),
        exp.hasNonNull("layer") ? exp.get("layer").asText() : null,
        exp.path("network").asBoolean(false),
        causes,
        required(w, "startEpochNanos").asLong(),
        required(w, "endEpochNanos").asLong(),
        slow.path("rootAtLeastNanos").asLong(250_000_000L),
        slow.path("rootService").asText("frontend"),
        slow.path("rootName").asText("GET /checkout"),
        e.hasNonNull("analyzeDate") ? e.get("analyzeDate").asText() : null,
        loadCauses);
  }

  private static JsonNode required(JsonNode n, String field) {
    if (!n.hasNonNull(field)) {
      throw new IllegalArgumentException("expected.json: faultWindow." + field + " is missing");
    }
    return n.get(field);
  }
}
