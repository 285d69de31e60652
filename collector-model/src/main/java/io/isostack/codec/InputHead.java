package io.isostack.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The first bytes of an input, as {@link FormatReader#detect} sees them: the raw bytes (for binary
 * formats and for keys anywhere in the head) and its lines, with producer noise ({@link
 * ProducerNoise}) set apart so that detection is not fooled by a banner or a warning.
 *
 * <p>Immutable and thread-safe.
 */
public final class InputHead {
  /** How many bytes of an input detection looks at. */
  public static final int MAX_BYTES = 64 * 1024;

  /** How many non-blank lines detection looks at. */
  public static final int MAX_LINES = 32;

  private final byte[] bytes;
  private final List<String> lines;
  private final List<String> records;

  private InputHead(byte[] bytes, List<String> lines, List<String> records) {
    this.bytes = bytes;
    this.lines = lines;
    this.records = records;
  }

  /**
   * Classifies the head of an input.
   *
   * @param head the first bytes (only the first {@value #MAX_BYTES} are looked at)
   * @param len how many of them are valid
   * @return the head
   */
  public static InputHead of(byte[] head, int len) {
    int n = Math.max(0, Math.min(Math.min(len, head.length), MAX_BYTES));
    byte[] b = java.util.Arrays.copyOf(head, n);
    List<String> lines = new ArrayList<>();
    List<String> records = new ArrayList<>();
    int s = 0;
    while (s < n && lines.size() < MAX_LINES) {
      int e = s;
      while (e < n && b[e] != '\n') {
        e++;
      }
      String line = new String(b, s, e - s, StandardCharsets.UTF_8).strip();
      if (!line.isEmpty()) {
        lines.add(line);
        if (!ProducerNoise.isNoise(line)) {
          records.add(line);
        }
      }
      s = e + 1;
    }
    return new InputHead(b, List.copyOf(lines), List.copyOf(records));
  }

  /** Whether the input has nothing but white space in its head (an empty file). */
  public boolean isEmpty() {
    return lines.isEmpty() && !isBinary();
  }

  /** Whether the head consists of producer noise only (a banner and no record yet). */
  public boolean isNoiseOnly() {
    return !lines.isEmpty() && records.isEmpty() && !isBinary();
  }

  /**
   * Whether the head holds control bytes other than white space, as a protobuf message does
   * (lengths, tags) and text does not.
   */
  public boolean isBinary() {
    for (byte x : bytes) {
      int v = x & 0xff;
      if (v < 0x20 && v != '\n' && v != '\r' && v != '\t') {
        return true;
      }
    }
    return false;
  }

  /** A copy of the head's bytes (at most {@value #MAX_BYTES}). */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The first byte, or -1 for an empty head. */
  public int firstByte() {
    return bytes.length == 0 ? -1 : bytes[0] & 0xff;
  }

  /** The non-blank lines of the head, stripped, noise included, at most {@value #MAX_LINES}. */
  public List<String> lines() {
    return lines;
  }

  /** The non-blank lines that are not producer noise: where the records start. */
  public List<String> records() {
    return records;
  }

  /** The first non-blank line that is not producer noise, or the empty string. */
  public String firstRecord() {
    return records.isEmpty() ? "" : records.get(0);
  }

  /** Whether the first record line starts with {@code c} (e.g. '{' for JSON objects). */
  public boolean recordsStartWith(char c) {
    return !records.isEmpty() && records.get(0).charAt(0) == c;
  }

  /** Whether the head's bytes contain an ASCII string, e.g. a quoted JSON key. */
  public boolean contains(String ascii) {
    int m = ascii.length();
    outer:
    for (int i = 0; i + m <= bytes.length; i++) {
      for (int j = 0; j < m; j++) {
        if (bytes[i + j] != ascii.charAt(j)) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
