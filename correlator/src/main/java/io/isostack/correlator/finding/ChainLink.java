package io.isostack.correlator.finding;

import io.isostack.model.IsolationLayer;
import java.util.List;
import java.util.Objects;

/**
 * One link of a finding's evidence chain: a candidate cause in one layer, with what it explains.
 *
 * @param layer the layer
 * @param network whether it is the layer's network slice
 * @param cause the cause code
 * @param causeTitle the cause as reports print it (the rule\'s {@code title}), e.g. {@code CPU
 *     throttling}
 * @param explainedNanos span self time this cause explains (the union of its evidence intervals
 *     within the self time plus its instant weights, capped at the self time), nanoseconds
 * @param eventCount how many joined events support it
 * @param signals the distinct event names that support it, e.g. {@code cpu.throttled}
 * @param detail a one-line statement with the entity and the time, from the rule's template
 * @param explanation what the evidence means
 * @param remediation what to do about it
 * @param method the docs/METHOD.md section(s) the rule comes from
 * @param ruleId the rule that produced it (the first one, when several rules share the cause)
 */
public record ChainLink(
    IsolationLayer layer,
    boolean network,
    String cause,
    String causeTitle,
    long explainedNanos,
    int eventCount,
    List<String> signals,
    String detail,
    String explanation,
    String remediation,
    String method,
    String ruleId) {

  /** Validates required fields and copies the list. */
  public ChainLink {
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(causeTitle, "causeTitle");
    signals = List.copyOf(signals);
  }
}
