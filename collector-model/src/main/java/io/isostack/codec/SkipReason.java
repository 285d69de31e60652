package io.isostack.codec;

/**
 * The stable reason codes of skipped records ({@link ReadSummary#skipped()}): records a producer
 * wrote correctly that map to no event the engine uses. They are neither emitted nor rejected, but
 * counted by reason and reported ({@code input.skipped}, {@code correlator_records_skipped_total}).
 * Formats may add reasons of their own; these are the shared ones.
 *
 * <p>Constants only; not instantiable.
 */
public final class SkipReason {
  /** A producer banner or diagnostic line ({@link ProducerNoise}). */
  public static final String PRODUCER_TEXT = "producer-text";

  /**
   * The prefix of a bpftrace {@code -f json} record type that carries no event ({@code
   * bpftrace-map}, {@code bpftrace-hist}, {@code bpftrace-attached_probes}...).
   */
  public static final String BPFTRACE_PREFIX = "bpftrace-";

  /** A producer record that is well formed but is no evidence the engine rates. */
  public static final String NOT_EVIDENCE = "not-evidence";

  /** An array where records are objects (an Inspektor Gadget top/profile interval). */
  public static final String ARRAY_RECORD = "array-record";

  /**
   * A span whose parent id is its own id: what is skipped is that reference, not the span, which is
   * read as a root (it would otherwise be its own child, with no self time, in a trace that never
   * finds its root). Counted by every trace reader.
   */
  public static final String SELF_PARENT = "self-parent";

  private SkipReason() {}
}
