package io.isostack.correlator.stream;

import java.util.Objects;

/**
 * What the vertical step emits: a finding for the findings topic, or a slow hop going on from a
 * host it visited to its next host.
 */
sealed interface StepOutput {
  /**
   * A finding for the findings topic.
   *
   * @param otlpLogs one OTLP {@code ExportLogsServiceRequest}, serialized
   */
  record Published(byte[] otlpLogs) implements StepOutput {
    /** Validates. */
    public Published {
      Objects.requireNonNull(otlpLogs, "otlpLogs");
    }
  }

  /**
   * A hop going on to the next host of its route, or to its own.
   *
   * @param hop the hop, with what the visited host gave it
   */
  record Onward(HostRecord.Hop hop) implements StepOutput {
    /** Validates. */
    public Onward {
      Objects.requireNonNull(hop, "hop");
    }
  }
}
