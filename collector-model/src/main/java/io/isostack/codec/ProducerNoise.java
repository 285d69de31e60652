package io.isostack.codec;

/**
 * The text lines producers print around their records: bpftrace's {@code Attaching N probes...}
 * banner, {@code WARNING:}/{@code ERROR:} diagnostics (bpftrace, libbpf, BCC), the {@code ^C} a
 * terminal echoes on interrupt, and the BCC/libbpf-tools {@code Tracing ... Hit Ctrl-C to end.}
 * banner. Detection looks past them ({@link InputHead#records()}); line readers count them as
 * skipped ({@link SkipReason#PRODUCER_TEXT}) rather than rejecting them.
 *
 * <p>Stateless and thread-safe.
 */
final class ProducerNoise {
  private ProducerNoise() {}

  /**
   * Whether a line is producer noise.
   *
   * @param stripped the line without leading and trailing white space
   * @return true for the banners and diagnostics listed in the type's Javadoc
   */
  static boolean isNoise(String stripped) {
    return isAttaching(stripped)
        || stripped.startsWith("WARNING:")
        || stripped.startsWith("ERROR:")
        || stripped.startsWith("^C")
        || stripped.startsWith("libbpf: ")
        || (stripped.startsWith("Tracing ") && stripped.contains("Ctrl-C"));
  }

  /** {@code Attaching 1 probe...}, {@code Attaching 8 probes...} (bpftrace without {@code -q}). */
  private static boolean isAttaching(String s) {
    if (!s.startsWith("Attaching ")) {
      return false;
    }
    int i = "Attaching ".length();
    int digits = i;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    return i > digits && s.startsWith(" probe", i);
  }
}
