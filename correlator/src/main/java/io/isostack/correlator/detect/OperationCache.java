package io.isostack.correlator.detect;

import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;

/**
 * The operation strings ({@link SlowSpanDetector#operation}) of recently seen spans, found by the
 * identity of their service and name: the span decoders hand out one {@code String} per repeated
 * value, so a live span's operation is then neither concatenated nor hashed again (its hash is
 * cached in the one instance). A miss, or a span whose strings are other instances, computes the
 * operation as {@link SlowSpanDetector#operation} does: the result is always equal to it. A
 * direct-mapped table of {@value #SLOTS} entries; one made {@link #forRequests} holds the request
 * operations of root spans ({@link SlowRequests#operation}) instead. Not thread-safe.
 */
final class OperationCache {
  private static final int SLOTS = 1024;

  private final String[] services = new String[SLOTS];
  private final String[] names = new String[SLOTS];
  private final SpanKind[] kinds = new SpanKind[SLOTS];
  private final String[] operations = new String[SLOTS];
  private final boolean requests;

  /** A cache of span operations ({@link SlowSpanDetector#operation}). */
  OperationCache() {
    this(false);
  }

  private OperationCache(boolean requests) {
    this.requests = requests;
  }

  /** A cache of request operations ({@link SlowRequests#operation}), for root spans. */
  static OperationCache forRequests() {
    return new OperationCache(true);
  }

  /**
   * The operation of {@code span}, equal to {@link SlowSpanDetector#operation}'s (or {@link
   * SlowRequests#operation}'s, made {@link #forRequests}).
   */
  String of(SpanView span) {
    String service = span.service();
    String name = span.name();
    SpanKind kind = span.kind();
    int slot =
        (System.identityHashCode(service) * 31 + System.identityHashCode(name) + kind.ordinal())
            & (SLOTS - 1);
    if (services[slot] == service && names[slot] == name && kinds[slot] == kind) {
      return operations[slot];
    }
    String op = requests ? SlowRequests.operation(span) : SlowSpanDetector.operation(span);
    services[slot] = service;
    names[slot] = name;
    kinds[slot] = kind;
    operations[slot] = op;
    return op;
  }
}
