package io.isostack.correlator.receiver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token requests must carry, read from a file (its content, whitespace stripped, as the
 * OpenTelemetry Collector's {@code bearertokenauth} extension reads its {@code filename}) and read
 * again when the file's modification time changes, checked at most once a second. Comparison is
 * constant-time. A file that becomes unreadable or empty keeps the previous token (logged once).
 *
 * <p>Thread-safe.
 */
public final class BearerToken {
  private static final Logger LOG = LoggerFactory.getLogger(BearerToken.class);
  private static final long CHECK_NANOS = 1_000_000_000L;
  private static final String PREFIX = "Bearer ";

  private final Path file;
  private final LongSupplier nanoTime;
  private volatile byte[] token;
  private volatile FileTime modified;
  private volatile long checkedNanos;

  /**
   * Reads the token.
   *
   * @param file the token file
   * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime})
   * @throws IllegalArgumentException naming {@code --token-file} when the file cannot be read or is
   *     empty
   */
  public BearerToken(Path file, LongSupplier nanoTime) {
    this.file = Objects.requireNonNull(file, "file");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    try {
      load();
    } catch (IOException e) {
      throw new IllegalArgumentException("--token-file " + file + ": cannot read: " + e, e);
    }
    if (token == null) {
      throw new IllegalArgumentException("--token-file " + file + " is empty");
    }
    checkedNanos = nanoTime.getAsLong();
  }

  /**
   * Whether an {@code Authorization} header value carries the token.
   *
   * @param authorization the header's value, or null when absent
   * @return true for {@code Bearer TOKEN} with the current token (the scheme is case-insensitive)
   */
  public boolean matches(String authorization) {
    refresh();
    if (authorization == null
        || authorization.length() <= PREFIX.length()
        || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    byte[] given =
        authorization.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }

  private void refresh() {
    long now = nanoTime.getAsLong();
    if (now - checkedNanos < CHECK_NANOS) {
      return;
    }
    synchronized (this) {
      if (now - checkedNanos < CHECK_NANOS) {
        return;
      }
      checkedNanos = now;
      try {
        if (!Files.getLastModifiedTime(file).equals(modified)) {
          byte[] before = token;
          load();
          if (!MessageDigest.isEqual(before, token)) {
            LOG.info("bearer token reloaded from {}", file);
          }
        }
      } catch (IOException | UncheckedIOException e) {
        LOG.warn("cannot reread the token file {} ({}); keeping the previous token", file, e);
      }
    }
  }

  private void load() throws IOException {
    FileTime m = Files.getLastModifiedTime(file);
    String t = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (t.isEmpty()) {
      if (token != null) {
        LOG.warn("the token file {} is empty; keeping the previous token", file);
      }
      modified = m;
      return;
    }
    token = t.getBytes(StandardCharsets.UTF_8);
    modified = m;
  }
}
