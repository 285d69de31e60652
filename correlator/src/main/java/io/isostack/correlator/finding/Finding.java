package io.isostack.correlator.finding;

import io.isostack.correlator.detect.SlowSpanDetector;
import io.isostack.model.EvidenceFamily;
import io.isostack.model.IsolationLayer;
import io.isostack.model.Observation;
import io.isostack.model.SpanView;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The verdict for one slow hop: the crossing point of the horizontal and vertical axes.
 *
 * @param span the slow span
 * @param path the spans from the trace's root down to it
 * @param selfNanos the span's self time, nanoseconds
 * @param slowReason {@code threshold}, {@code baseline} or {@code request} (see {@link
 *     SlowSpanDetector})
 * @param baselineNanos median self time of the same operation, or -1
 * @param layer the layer the time was lost in, {@link IsolationLayer#APPLICATION} when the kernel
 *     explains too little of it
 * @param network whether it is the layer's network slice
 * @param cause the cause code, {@code application} for application time
 * @param causeTitle the cause as reports print it (the rule\'s {@code title}), e.g. {@code CPU
 *     throttling}
 * @param confidence 0..1
 * @param explainedNanos self time explained by the cause, nanoseconds
 * @param detail one line with the entity and the time
 * @param explanation what the cause means
 * @param remediation what to do
 * @param method the docs/METHOD.md section(s) behind the rule
 * @param notes caveats: lost producer events, an unknown device, host-wide evidence...
 * @param chain every candidate cause, ordered the way docs/METHOD.md §4 drills down (L-3, L-4, L-2,
 *     L-1, L-0, host)
 * @param evidence the joined events, in chain order then time order, at most a bounded number per
 *     link
 * @param coverage for every evidence family, whether it was observed on the span's host during its
 *     window (docs/METHOD.md §6)
 * @param requestNanos the duration of the slow request (the trace's root span) this hop belongs to,
 *     nanoseconds; -1 when its request is not slow
 * @param requestShare the share of that request the hop's self time on its critical path holds,
 *     0..1; 0 when the hop is off the critical path or its request is not slow
 * @param otherConsumers for a {@code cpu-saturation} verdict, the other processes that held the CPU
 *     while the hop waited ({@link OtherConsumers#NOT_OBSERVED} when its events do not say); null
 *     for every other cause
 */
public record Finding(
    SpanView span,
    List<SpanView> path,
    long selfNanos,
    String slowReason,
    long baselineNanos,
    IsolationLayer layer,
    boolean network,
    String cause,
    String causeTitle,
    double confidence,
    long explainedNanos,
    String detail,
    String explanation,
    String remediation,
    String method,
    List<String> notes,
    List<ChainLink> chain,
    List<Evidence> evidence,
    Map<EvidenceFamily, Observation> coverage,
    long requestNanos,
    double requestShare,
    OtherConsumers otherConsumers) {

  /** The cause code of a finding whose time the kernel does not explain. */
  public static final String APPLICATION_CAUSE = "application";

  /** How reports print {@link #APPLICATION_CAUSE}. */
  public static final String APPLICATION_TITLE = "time in the application";

  /** The cause code of an {@link IsolationLayer#UNKNOWN} finding: the kernel was not observed. */
  public static final String UNOBSERVED_CAUSE = "unobserved";

  /** How reports print {@link #UNOBSERVED_CAUSE}. */
  public static final String UNOBSERVED_TITLE = "not observed";

  /** The cause code of a client span's uncovered time without flow evidence. */
  public static final String WIRE_TIME_CAUSE = "wire-time";

  /** How reports print {@link #WIRE_TIME_CAUSE}. */
  public static final String WIRE_TIME_TITLE = "time on the wire";

  /** Validates required fields and copies the lists. */
  public Finding {
    Objects.requireNonNull(span, "span");
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(causeTitle, "causeTitle");
    if (confidence < 0 || confidence > 1) {
      throw new IllegalArgumentException("confidence out of 0..1: " + confidence);
    }
    if (!(requestShare >= 0 && requestShare <= 1)) {
      throw new IllegalArgumentException("requestShare out of 0..1: " + requestShare);
    }
    path = List.copyOf(path);
    notes = List.copyOf(notes);
    chain = List.copyOf(chain);
    evidence = List.copyOf(evidence);
    EnumMap<EvidenceFamily, Observation> copy = new EnumMap<>(EvidenceFamily.class);
    copy.putAll(coverage);
    coverage = Collections.unmodifiableMap(copy);
  }

  /**
   * A copy placed in its slow request: the request's duration and the share of it this hop holds.
   *
   * @param requestNanos the root span's duration, nanoseconds, or -1 when the request is not slow
   * @param requestShare 0..1
   */
  public Finding withRequest(long requestNanos, double requestShare) {
    return new Finding(
        span,
        path,
        selfNanos,
        slowReason,
        baselineNanos,
        layer,
        network,
        cause,
        causeTitle,
        confidence,
        explainedNanos,
        detail,
        explanation,
        remediation,
        method,
        notes,
        chain,
        evidence,
        coverage,
        requestNanos,
        requestShare,
        otherConsumers);
  }

  /** Whether this hop belongs to a slow request ({@link #requestNanos} is known). */
  public boolean inSlowRequest() {
    return requestNanos >= 0;
  }
}
