package io.isostack.correlator.storage;

import java.util.Objects;

/**
 * A finding published by a run before a restart, as {@code /api/findings} served it.
 *
 * @param traceId the trace id of its slow hop
 * @param spanId the span id of its slow hop
 * @param json the JSON object {@code /api/findings} serves for it
 */
public record StoredFinding(String traceId, String spanId, String json) {
  /** Validates: every field is required. */
  public StoredFinding {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(json, "json");
  }
}
