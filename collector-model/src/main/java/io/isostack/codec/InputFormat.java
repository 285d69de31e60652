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
  /**
   * Jaeger JSON traces: the query API's {@code {"data":[...]}} or one trace the UI downloaded
   * ({@link JaegerJsonTraceReader}).
   */
  JAEGER_JSON("jaeger"),
  /** Zipkin v2 JSON traces: a list of spans or of traces ({@link ZipkinJsonTraceReader}). */
  ZIPKIN_JSON("zipkin"),
  /** The canonical kernel-event stream, bare or bpftrace-wrapped ({@link KernelEventReader}). */
  KERNEL_EVENTS("events"),
  /** Tetragon's JSON export ({@link TetragonReader}). */
  TETRAGON("tetragon"),
  /**
   * Inspektor Gadget JSON, image-based or legacy built-in gadgets ({@link InspektorGadgetReader}).
   */
  INSPEKTOR_GADGET("ig"),
  /** libbpf-tools {@code runqslower} text ({@link LibbpfToolsReader}). */
  LIBBPF_RUNQSLOWER("libbpf:runqslower"),
  /** libbpf-tools {@code tcplife} text. */
  LIBBPF_TCPLIFE("libbpf:tcplife"),
  /** libbpf-tools {@code tcpstates} text. */
  LIBBPF_TCPSTATES("libbpf:tcpstates"),
  /** libbpf-tools {@code exitsnoop} text. */
  LIBBPF_EXITSNOOP("libbpf:exitsnoop"),
  /** libbpf-tools {@code execsnoop} text. */
  LIBBPF_EXECSNOOP("libbpf:execsnoop"),
  /** libbpf-tools {@code runqlat} histograms. */
  LIBBPF_RUNQLAT("libbpf:runqlat"),
  /** libbpf-tools {@code biolatency} histograms. */
  LIBBPF_BIOLATENCY("libbpf:biolatency"),
  /** libbpf-tools {@code cpudist} histograms (parsed, counted as skipped). */
  LIBBPF_CPUDIST("libbpf:cpudist");

  private static final int SCAN_LIMIT = 64 * 1024;

  private final String cliName;

  InputFormat(String cliName) {
    this.cliName = cliName;
  }

  /** The name used on the command line, e.g. {@code otlp-json}. */
  public String cliName() {
    return cliName;
  }

  /** Whether the format carries kernel events (read by {@link EventReaders}) rather than spans. */
  public boolean carriesEvents() {
    return this != OTLP_JSON && this != OTLP_PROTO && this != JAEGER_JSON && this != ZIPKIN_JSON;
  }

  /** The libbpf-tools tool of a {@code libbpf:*} format, or null for other formats. */
  public LibbpfToolsReader.Tool libbpfTool() {
    return cliName.startsWith("libbpf:")
        ? LibbpfToolsReader.Tool.valueOf(cliName.substring(7).toUpperCase(java.util.Locale.ROOT))
        : null;
  }

  /** The {@code libbpf:*} format of a libbpf-tools tool. */
  public static InputFormat ofLibbpfTool(LibbpfToolsReader.Tool tool) {
    return fromName("libbpf:" + tool.toolName());
  }

  /**
   * Looks up a format by its CLI name.
   *
   * <p>Note: {@link InputSpec#parse} splits {@code FORMAT:PATH} at the first colon, so the {@code
   * libbpf:*} names are not reachable through it; such inputs are found by {@link #detect}.
   *
   * @param name a {@link #cliName()}, e.g. {@code otlp-json}, {@code events}, {@code tetragon},
   *     {@code ig}, {@code libbpf:runqslower}; case-sensitive
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
   * <p>Rules, in order: first byte {@code 0x0A} (a bare protobuf request) with control bytes in the
   * head, or {@code 0x00} (the high byte of a 4-byte length prefix) → {@link #OTLP_PROTO} (text
   * that merely starts with an empty line is not protobuf); JSON (after whitespace, an opening
   * brace) whose first object mentions {@code "resourceSpans"} → {@link #OTLP_JSON}; JSON
   * mentioning {@code "event.name"} or a bpftrace {@code "type"} field → {@link #KERNEL_EVENTS}.
   * Only the first {@value #SCAN_LIMIT} bytes are looked at; {@code resourceSpans} wins when both
   * appear, since OTLP attribute keys may contain {@code type}. Jaeger's {@code "traceID"} (upper
   * case {@code ID}; an object or an array of traces) → {@link #JAEGER_JSON}, checked right after
   * {@code resourceSpans}, since its tags hold {@code "type"} keys and any attribute name; an array
   * mentioning Zipkin's {@code "traceId"} → {@link #ZIPKIN_JSON}.
   *
   * <p>Producer adapters, checked after {@code resourceSpans} and {@code event.name} but before the
   * bpftrace {@code type} rule (Inspektor Gadget records have a {@code type} field): JSON with a
   * Tetragon event key ({@code process_exec}, {@code process_exit}, {@code process_kprobe}, {@code
   * process_tracepoint}, {@code process_uprobe}, {@code process_lsm}) or {@code node_name} → {@link
   * #TETRAGON}; JSON (or a top-level array) with {@code timestamp_raw}, a {@code proc} object or
   * {@code mountnsid} → {@link #INSPEKTOR_GADGET}; text whose first line not starting with {@code
   * #} is a libbpf-tools header or banner ({@link LibbpfToolsReader#detectTool}) → that tool's
   * {@code libbpf:*} format.
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
    if (head[0] == 0x00 || (head[0] == 0x0A && isBinary(head, n))) {
      return OTLP_PROTO;
    }
    int i = 0;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
      i++;
    }
    if (i == n) {
      return null;
    }
    if (head[i] == '[') {
      if (contains(head, i, n, "\"traceID\"")) {
        return JAEGER_JSON;
      }
      if (contains(head, i, n, "\"traceId\"")) {
        return ZIPKIN_JSON;
      }
      return isInspektorGadget(head, i, n) ? INSPEKTOR_GADGET : null;
    }
    if (head[i] != '{') {
      return detectText(head, i, n);
    }
    if (contains(head, i, n, "\"resourceSpans\"")) {
      return OTLP_JSON;
    }
    if (contains(head, i, n, "\"traceID\"")) {
      return JAEGER_JSON;
    }
    if (contains(head, i, n, "\"event.name\"")) {
      return KERNEL_EVENTS;
    }
    for (String key : TETRAGON_KEYS) {
      if (contains(head, i, n, key)) {
        return TETRAGON;
      }
    }
    if (isInspektorGadget(head, i, n)) {
      return INSPEKTOR_GADGET;
    }
    if (contains(head, i, n, "\"type\"")) {
      return KERNEL_EVENTS;
    }
    return null;
  }

  private static final String[] TETRAGON_KEYS = {
    "\"process_exec\"",
    "\"process_exit\"",
    "\"process_kprobe\"",
    "\"process_tracepoint\"",
    "\"process_uprobe\"",
    "\"process_lsm\"",
    "\"node_name\""
  };

  private static boolean isInspektorGadget(byte[] b, int from, int to) {
    if (contains(b, from, to, "\"timestamp_raw\"") || contains(b, from, to, "\"mountnsid\"")) {
      return true;
    }
    String key = "\"proc\":";
    for (int i = from; i + key.length() <= to; i++) {
      if (contains(b, i, i + key.length(), key)) {
        int j = i + key.length();
        while (j < to && (b[j] == ' ' || b[j] == '\n' || b[j] == '\r' || b[j] == '\t')) {
          j++;
        }
        if (j < to && b[j] == '{') {
          return true;
        }
      }
    }
    return false;
  }

  /** libbpf-tools text: the first line not starting with {@code #} names the tool. */
  private static InputFormat detectText(byte[] b, int from, int to) {
    int s = from;
    while (s < to) {
      int e = s;
      while (e < to && b[e] != '\n') {
        e++;
      }
      String line = new String(b, s, e - s, java.nio.charset.StandardCharsets.UTF_8);
      if (!line.isBlank() && !line.strip().startsWith("#")) {
        LibbpfToolsReader.Tool tool = LibbpfToolsReader.detectTool(line);
        return tool == null ? null : ofLibbpfTool(tool);
      }
      s = e + 1;
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

  /**
   * Whether the head holds control bytes other than whitespace: a protobuf message does (lengths,
   * tags), text with a leading empty line does not.
   */
  private static boolean isBinary(byte[] head, int n) {
    for (int i = 0; i < n; i++) {
      int b = head[i] & 0xff;
      if (b < 0x20 && b != '\n' && b != '\r' && b != '\t') {
        return true;
      }
    }
    return false;
  }
}
