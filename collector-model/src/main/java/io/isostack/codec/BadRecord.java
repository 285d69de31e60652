package io.isostack.codec;

/**
 * Thrown inside a reader when one record must be rejected; caught by the same reader and turned
 * into a {@link Rejection}. Carries no stack trace, so rejecting is cheap.
 */
final class BadRecord extends Exception {
  private static final long serialVersionUID = 1L;

  private final String reason;

  BadRecord(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** One of the {@link RejectReason} codes. */
  String reason() {
    return reason;
  }
}
