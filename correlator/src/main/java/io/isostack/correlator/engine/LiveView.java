package io.isostack.correlator.engine;

import java.util.List;
import java.util.Objects;

/**
 * What a live driver shows on its HTTP face ({@code /api/findings}, {@code /healthz}): the findings
 * it published most recently and whether it is healthy. {@link LiveAnalyzer} ({@code serve}) and
 * the Kafka Streams instance of {@code stream} implement it. Implementations are thread-safe.
 */
public interface LiveView {
  /**
   * The most recent findings this driver published, newest first.
   *
   * @param max at most this many
   */
  List<LiveFinding> recentFindings(int max);

  /** Whether the driver is doing its work now, and if not, why. */
  Health health();

  /**
   * A driver's health at one moment.
   *
   * @param ok whether it is doing its work ({@code /healthz} answers 200, else 503)
   * @param detail a short reason, the body of {@code /healthz}: {@code ok}, or what is wrong
   */
  record Health(boolean ok, String detail) {
    /** Validates. */
    public Health {
      Objects.requireNonNull(detail, "detail");
    }
  }
}
