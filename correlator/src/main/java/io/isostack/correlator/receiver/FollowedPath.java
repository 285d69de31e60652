package io.isostack.correlator.receiver;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link EventFollower} reads: one path, or the newest file of a directory whose name
 * matches a glob, for producers that write a new file per start. gVisor's {@code runsc
 * --debug-log=DIR/} is one: each sandbox start writes {@code DIR/runsc.log.<start>.boot.txt}
 * (and {@code .gofer.txt}, {@code .create.txt}... beside it), with the start time as {@code
 * YYYYMMDD-HHMMSS.micros}, so that name order is start order.
 *
 * <p>A target whose last element has a glob character ({@code * ? [ {}) is that glob in its parent
 * directory; a target ending in {@code /} or naming an existing directory is that directory with
 * its format's default glob: {@code runsc.log.*.boot.txt} for {@code runsc} (the Sentry's log, the
 * one with its strace lines), {@code *} otherwise. The newest file is the matching regular file
 * with the greatest name (by {@link String#compareTo}); other targets are one fixed path.
 * Immutable and thread-safe.
 */
final class FollowedPath {
  /** The file a directory of each format is followed by, when the target names no glob. */
  private static final Map<String, String> DEFAULT_GLOB = Map.of("runsc", "runsc.log.*.boot.txt");

  private final Path path;
  private final String glob;
  private final PathMatcher matcher;

  private FollowedPath(Path path, String glob) {
    this.path = path;
    this.glob = glob;
    this.matcher = glob == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + glob);
  }

  /** One fixed file or FIFO. */
  static FollowedPath of(Path path) {
    return new FollowedPath(Objects.requireNonNull(path, "path"), null);
  }

  /**
   * The target of a {@code --events} value, as described above.
   *
   * @param target the path, directory or glob
   * @param format the input's event format name ({@code runsc}, {@code events}...)
   * @throws IllegalArgumentException if the glob is malformed (the message names it)
   */
  static FollowedPath parse(String target, String format) {
    Path p = Path.of(target);
    Path name = p.getFileName();
    if (name != null && hasGlob(name.toString())) {
      Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
      return checked(dir, name.toString(), target);
    }
    if (target.endsWith("/") || Files.isDirectory(p)) {
      return checked(p, DEFAULT_GLOB.getOrDefault(format, "*"), target);
    }
    return of(p);
  }

  private static FollowedPath checked(Path dir, String glob, String target) {
    try {
      return new FollowedPath(dir, glob);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + target + "': bad glob: " + e.getMessage(), e);
    }
  }

  private static boolean hasGlob(String name) {
    for (int i = 0; i < name.length(); i++) {
      if ("*?[{".indexOf(name.charAt(i)) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Whether this is a directory whose newest matching file is followed. */
  boolean newest() {
    return matcher != null;
  }

  /**
   * The file to read now: the fixed path, or the newest matching regular file of the directory
   * (null when there is none yet, also while the directory does not exist).
   *
   * @throws IOException if the directory cannot be listed for another reason than not existing
   */
  Path current() throws IOException {
    if (matcher == null) {
      return path;
    }
    Path best = null;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(path)) {
      for (Path f : files) {
        Path name = f.getFileName();
        if (matcher.matches(name)
            && (best == null || name.toString().compareTo(best.getFileName().toString()) > 0)
            && Files.isRegularFile(f)) {
          best = f;
        }
      }
    } catch (NoSuchFileException e) {
      return null;
    }
    return best;
  }

  /** Whether {@code candidate} is a newer file than {@code file} by this target's order. */
  static boolean newer(Path candidate, Path file) {
    return candidate != null
        && candidate.getFileName().toString().compareTo(file.getFileName().toString()) > 0;
  }

  /** The path, or {@code DIR/GLOB}, for messages. */
  @Override
  public String toString() {
    return glob == null ? path.toString() : path.resolve(glob).toString();
  }
}
