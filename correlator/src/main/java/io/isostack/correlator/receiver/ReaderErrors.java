package io.isostack.correlator.receiver;

/**
 * How a reader failure nobody foresaw is worded in a {@code reader-error} rejection: the
 * exception's class and message, truncated, without a stack trace (which would tell a client about
 * the server's code and fill the log). Not instantiable.
 */
final class ReaderErrors {
  private static final int MAX_MESSAGE_CHARS = 200;

  private ReaderErrors() {}

  /** {@code "reader failed: NegativeArraySizeException: -1"}, at most about 200 characters. */
  static String describe(Throwable e) {
    String m = e.getMessage();
    String text = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    if (text.length() > MAX_MESSAGE_CHARS) {
      text = text.substring(0, MAX_MESSAGE_CHARS) + "…";
    }
    return "reader failed: " + text;
  }
}
