package io.isostack.codec;

import java.util.Map;
import java.util.TreeMap;

/** Skipped records of one stream, counted by reason. Not thread-safe: one per stream. */
final class SkipCounts {
  private final Map<String, long[]> byReason = new TreeMap<>();
  private long total;

  void add(String reason) {
    add(reason, 1);
  }

  void add(String reason, long n) {
    byReason.computeIfAbsent(reason, r -> new long[1])[0] += n;
    total += n;
  }

  long total() {
    return total;
  }

  /** A copy, by reason in name order. */
  Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    byReason.forEach((r, n) -> m.put(r, n[0]));
    return m;
  }
}
