package io.isostack.correlator.receiver;

/**
 * Where an {@link EventFollower} keeps how far it has handed a regular file on, and the newest
 * event time before that point, so that after a restart it resumes where the events still inside
 * the engine's window start instead of at the file's start ({@code serve --storage DIR}). An offset
 * belongs to one file identity (its inode, {@code BasicFileAttributes.fileKey()}): a file replaced
 * by rotation, or truncated below the offset, is read again from its start.
 *
 * <p>Implementations must be thread-safe: every follower thread calls them.
 */
public interface FollowOffsets {
  /**
   * Where to start reading a file just opened.
   *
   * @param source the follower's name (its path as given)
   * @param fileKey the file's identity now
   * @param size the file's size now, bytes
   * @return a saved offset of this file identity, at most {@code size}, before which the events
   *     need not be read again, else 0
   */
  long resumeAt(String source, String fileKey, long size);

  /**
   * Records that every complete line before {@code offset} has been handed to the engine, and that
   * the events of those lines ended at {@code maxEventEndNanos} at the latest.
   *
   * @param source the follower's name
   * @param fileKey the file's identity
   * @param offset bytes from the file's start, a line's start
   * @param maxEventEndNanos the latest end of an event before {@code offset} handed on since the
   *     file was opened (nanoseconds since the Unix epoch), or {@link Long#MIN_VALUE} for none
   */
  void consumed(String source, String fileKey, long offset, long maxEventEndNanos);
}
