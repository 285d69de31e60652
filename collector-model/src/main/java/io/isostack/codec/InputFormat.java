package io.isostack.codec;

/**
 * The input formats the collector reads, by their CLI names ({@code FORMAT:PATH}).
 *
 * <p>Thread-safe (an enum).
 */
public enum InputFormat {
  /**
   * OTLP/JSON traces: Collector file-exporter NDJSON or one document ({@link OtlpJsonTraceReader}).
   */
  OTLP_JSON("otlp-json"),
  /** OTLP protobuf traces: bare or length-prefixed ({@link OtlpProtoTraceReader}). */
  OTLP_PROTO("otlp-proto"),
  /** The canonical kernel-event stream, bare or bpftrace-wrapped ({@link KernelEventReader}). */
  KERNEL_EVENTS("events");

  private static final int SCAN_LIMIT = 64 * 1024;

  private final String cliName;

  InputFormat(String cliName) {
    this.cliName = cliName;
  }

  /** The name used on the command line, e.g. {@code otlp-json}. */
  public String cliName() {
    return cliName;
  }

  /**
   * Looks up a format by its CLI name.
   *
   * @param name {@code otlp-json}, {@code otlp-proto} or {@code events}, case-sensitive
   * @return the format, or null when the name is not one of these
   */
  public static InputFormat fromName(String name) {
    for (InputFormat f : values()) {
      if (f.cliName.equals(name)) {
        return f;
      }
    }
    return null;
  }

  /**
   * Guesses a format from the first bytes of an input.
   *
   * <p>Rules, in order: first byte {@code 0x0A} (a bare protobuf request) or {@code 0x00} (the high
   * byte of a 4-byte length prefix) → {@link #OTLP_PROTO}; JSON (after whitespace, an opening
   * brace) whose first object mentions {@code "resourceSpans"} → {@link #OTLP_JSON}; JSON
   * mentioning {@code "event.name"} or a bpftrace {@code "type"} field → {@link #KERNEL_EVENTS}.
   * Only the first {@value #SCAN_LIMIT} bytes are looked at; {@code resourceSpans} wins when both
   * appear, since OTLP attribute keys may contain {@code type}.
   *
   * @param head the first bytes of the input
   * @param len how many of them are valid
   * @return the format, or null when none fits
   */
  public static InputFormat detect(byte[] head, int len) {
    int n = Math.min(Math.min(len, head.length), SCAN_LIMIT);
    if (n <= 0) {
      return null;
    }
    if (head[0] == 0x0A || head[0] == 0x00) {
      return OTLP_PROTO;
    }
    int i = 0;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
      i++;
    }
    if (i == n || head[i] != '{') {
      return null;
    }
    if (contains(head, i, n, "\"resourceSpans\"")) {
      return OTLP_JSON;
    }
    if (contains(head, i, n, "\"event.name\"") || contains(head, i, n, "\"type\"")) {
      return KERNEL_EVENTS;
    }
    return null;
  }

  private static boolean contains(byte[] b, int from, int to, String ascii) {
    int m = ascii.length();
    outer:
    for (int i = from; i + m <= to; i++) {
      for (int j = 0; j < m; j++) {
        if (b[i + j] != ascii.charAt(j)) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
