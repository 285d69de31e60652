package io.isostack.codec;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one input stream of a reader saw.
 *
 * @param lines text lines read, blank ones included (for framed binary inputs: messages read)
 * @param records records emitted to the consumer: kernel events (including {@code producer.lost})
 *     or spans
 * @param rejected records rejected through the {@link RejectListener}
 * @param lost events the producer reported as lost ({@code lost_events}, canonical {@code
 *     producer.lost}, {@code lost N events} lines); 0 for trace readers
 * @param skipped records read correctly but deliberately not mapped to a record, by {@link
 *     SkipReason} code; an unmodifiable copy in reason order
 */
public record ReadSummary(
    long lines, long records, long rejected, long lost, Map<String, Long> skipped) {

  /** Validates: every count is non-negative; copies {@code skipped}. */
  public ReadSummary {
    if (lines < 0 || records < 0 || rejected < 0 || lost < 0) {
      throw new IllegalArgumentException(
          "counts must be non-negative: " + lines + ", " + records + ", " + rejected + ", " + lost);
    }
    Objects.requireNonNull(skipped, "skipped");
    skipped = java.util.Collections.unmodifiableMap(new TreeMap<>(skipped));
  }

  /** A summary with nothing skipped. */
  public ReadSummary(long lines, long records, long rejected, long lost) {
    this(lines, records, rejected, lost, Map.of());
  }

  /** All skipped records, whatever the reason. */
  public long skippedTotal() {
    long n = 0;
    for (long v : skipped.values()) {
      n += v;
    }
    return n;
  }

  /** The sum of two summaries (two streams of one input, or two inputs). */
  public ReadSummary plus(ReadSummary o) {
    Map<String, Long> s = new TreeMap<>(skipped);
    o.skipped.forEach((r, n) -> s.merge(r, n, Long::sum));
    return new ReadSummary(
        plusCapped(lines, o.lines),
        plusCapped(records, o.records),
        plusCapped(rejected, o.rejected),
        plusCapped(lost, o.lost),
        s);
  }

  /**
   * The sum of two non-negative counts, capped at {@link Long#MAX_VALUE}: a producer may claim any
   * number of lost events (a fuzzer found {@code lost_events} of 2^63−1), and a count that
   * overflowed to a negative value would make the summary invalid and lose the whole read.
   */
  static long plusCapped(long a, long b) {
    long r = a + b;
    return r < 0 ? Long.MAX_VALUE : r;
  }
}
