package io.isostack.codec;

/**
 * Receives the records a reader rejects; readers call it and go on with the next record.
 *
 * <p>Implementations used by several reader threads at once must be thread-safe.
 */
@FunctionalInterface
public interface RejectListener {
  /**
   * Called once per rejected record.
   *
   * @param rejection what was rejected, where and why
   */
  void rejected(Rejection rejection);
}
