package io.isostack.codec;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One input named on the command line: a format (or null to detect it from the content) and a path
 * ({@code -} for standard input).
 *
 * @param format the format, or null to detect it with {@link FormatReaders#detect}
 * @param path the file, or {@code -} for standard input
 */
public record InputSpec(FormatReader<?> format, Path path) {

  /** Validates: path is required. */
  public InputSpec {
    Objects.requireNonNull(path, "path");
  }

  /** Whether the path names standard input ({@code -}). */
  public boolean isStdin() {
    return "-".equals(path.toString());
  }

  /**
   * Parses the CLI syntax {@code FORMAT:PATH} (e.g. {@code otlp-json:/tmp/x.json}, {@code
   * events:-}, {@code libbpf:runqslower:/tmp/r.txt}) or a plain {@code PATH}. The longest known
   * format name followed by {@code :} is the format; other text before a {@code :} belongs to the
   * path, so {@code C:\traces.json} or {@code dir:x/file} are plain paths.
   *
   * @param arg the argument
   * @return the spec
   * @throws IllegalArgumentException naming the argument if it is blank or not a valid path
   */
  public static InputSpec parse(String arg) {
    if (arg == null || arg.isBlank()) {
      throw new IllegalArgumentException("input '" + arg + "': expected [FORMAT:]PATH");
    }
    FormatReader<?> format = null;
    String path = arg;
    // The longest format name that prefixes the argument wins: libbpf:runqslower:/x names the
    // format libbpf:runqslower.
    for (FormatReader<?> f : FormatReaders.all()) {
      String prefix = f.name() + ":";
      if (arg.startsWith(prefix)
          && (format == null || f.name().length() > format.name().length())) {
        format = f;
        path = arg.substring(prefix.length());
      }
    }
    if (path.isEmpty()) {
      throw new IllegalArgumentException("input '" + arg + "': the path is empty");
    }
    try {
      return new InputSpec(format, Path.of(path));
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("input '" + arg + "': " + e.getMessage(), e);
    }
  }
}
