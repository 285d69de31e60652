package io.isostack.codec;

import java.util.Objects;

/**
 * A record a reader could not use, with where it was and why.
 *
 * @param source the input's name (a file path, {@code stdin}, a receiver name)
 * @param line 1-based line number for text inputs, 1-based message number for framed binary inputs,
 *     or -1 when unknown
 * @param reason a short stable code used as a metric tag, e.g. {@code invalid-json}, {@code
 *     invalid-id}, {@code missing-field}, {@code invalid-value}, {@code unknown-event}, {@code
 *     missing-clock-sync}, {@code truncated}
 * @param message a sentence naming the field or value at fault
 */
public record Rejection(String source, long line, String reason, String message) {

  /** Validates: source, reason and message are required. */
  public Rejection {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return source + (line > 0 ? ":" + line : "") + ": " + reason + ": " + message;
  }
}
