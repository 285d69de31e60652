package io.isostack.correlator.receiver;

/**
 * Where an {@link EventFollower} keeps how far it has handed a regular file on, so that after a
 * restart it resumes there instead of at the file's start ({@code serve --storage DIR}). An offset
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
   * @return the saved offset when it belongs to this file identity and is at most {@code size},
   *     else 0
   */
  long resumeAt(String source, String fileKey, long size);

  /**
   * Records that every complete line before {@code offset} has been handed to the engine.
   *
   * @param source the follower's name
   * @param fileKey the file's identity
   * @param offset bytes from the file's start
   */
  void consumed(String source, String fileKey, long offset);
}
