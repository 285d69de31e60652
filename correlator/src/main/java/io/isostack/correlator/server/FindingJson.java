package io.isostack.correlator.server;

import io.isostack.correlator.engine.LiveFinding;

/** A live finding as {@code GET /api/findings} serves it, as text ({@code serve --storage}). */
public final class FindingJson {
  private FindingJson() {}

  /**
   * The object {@code analyze --format json} writes for the finding, plus {@code
   * traceCompletedUnixNano} and {@code publishedUnixNano}.
   *
   * @param f the finding
   * @return one JSON object, one line
   */
  public static String of(LiveFinding f) {
    return ApiHandler.jsonText(f);
  }
}
