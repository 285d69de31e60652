package io.isostack.codec;

/**
 * What one {@code read} call of a reader saw.
 *
 * @param lines text lines read, blank ones included (for framed binary inputs: messages read)
 * @param records records emitted to the consumer: kernel events (including {@code producer.lost})
 *     or spans
 * @param rejected records rejected through the {@link RejectListener}
 * @param lost events the producer reported as lost ({@code lost_events}); 0 for trace readers
 */
public record ReadSummary(long lines, long records, long rejected, long lost) {

  /** Validates: every count is non-negative. */
  public ReadSummary {
    if (lines < 0 || records < 0 || rejected < 0 || lost < 0) {
      throw new IllegalArgumentException(
          "counts must be non-negative: " + lines + ", " + records + ", " + rejected + ", " + lost);
    }
  }
}
