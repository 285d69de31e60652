package io.isostack.correlator.verdict;

import io.isostack.correlator.detect.SlowSpan;
import io.isostack.correlator.finding.ChainLink;
import io.isostack.correlator.finding.Durations;
import io.isostack.correlator.finding.Evidence;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.join.DeviceKind;
import io.isostack.correlator.rules.RuleContext;
import io.isostack.model.EvidenceFamily;
import io.isostack.model.IsolationLayer;
import io.isostack.model.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The verdict for a slow span whose time no kernel cause explains enough of: {@code unknown} when
 * the families that could explain it were not observed, a network finding for a client span's wire
 * time, {@code application} otherwise (the README's "How a verdict is made"; docs/METHOD.md §4 step
 * 1, §6). Confidence factors are stated on each constant. Not thread-safe; one per span.
 */
final class UnexplainedTime {
  /**
   * Linux's minimum retransmission timeout, 200 ms ({@code TCP_RTO_MIN}; RFC 6298 §2.4 allows a
   * lower minimum than its 1 s): a gap at least this long has the shape of a retransmission.
   */
  static final long MIN_RTO_NANOS = 200_000_000L;

  /** Confidence of wire time shaped like a retransmission timeout, with no flow evidence. */
  static final double RTO_SHAPED_CONFIDENCE = 0.5;

  /** Confidence of shorter wire time with no flow evidence: queueing or a slow path, unknown. */
  static final double SHORT_WIRE_CONFIDENCE = 0.3;

  /** An unknown verdict's confidence is at most this, times the share of the ground searched. */
  static final double UNKNOWN_CONFIDENCE = 0.5;

  private final SlowSpan hop;
  private final long self;
  private final long explainedByAny;
  private final Observed observed;
  private final List<String> notes;

  UnexplainedTime(SlowSpan hop, long explainedByAny, Observed observed, List<String> notes) {
    this.hop = hop;
    this.self = hop.selfNanos();
    this.explainedByAny = explainedByAny;
    this.observed = observed;
    this.notes = notes;
  }

  Finding finding(
      RuleContext context, double lostFactor, List<ChainLink> chain, List<Evidence> evidence) {
    List<EvidenceFamily> missing = observed.missing();
    if (!missing.isEmpty()) {
      return unobserved(missing, chain, evidence);
    }
    noteUnobserved();
    if (observed.wireTime()) {
      return wireTime(context, lostFactor, chain, evidence);
    }
    double unexplained = 1.0 - (double) explainedByAny / Math.max(1, self);
    // Families that were not watched leave room for a kernel cause: up to half the confidence.
    double coverage = 0.5 + 0.5 * observed.observedShare();
    return finding(
        IsolationLayer.APPLICATION,
        false,
        Finding.APPLICATION_CAUSE,
        Finding.APPLICATION_TITLE,
        FindingBuilder.clamp(unexplained * lostFactor * coverage),
        self - explainedByAny,
        "kernel evidence explains "
            + Durations.human(explainedByAny)
            + " of "
            + Durations.human(self)
            + " self time",
        "The time was spent in the application itself: the kernel was observed and no kernel"
            + " signal explains enough of it.",
        "Profile the application (CPU profile, locks, waits on other services).",
        "§1 (look horizontally first, then vertically), §4 step 1",
        chain,
        evidence);
  }

  private Finding unobserved(
      List<EvidenceFamily> missing, List<ChainLink> chain, List<Evidence> evidence) {
    String families = missing.stream().map(EvidenceFamily::wire).collect(Collectors.joining(", "));
    String producers =
        missing.stream().map(f -> f.wire() + ": " + f.producer()).collect(Collectors.joining("; "));
    return finding(
        IsolationLayer.UNKNOWN,
        false,
        Finding.UNOBSERVED_CAUSE,
        Finding.UNOBSERVED_TITLE,
        FindingBuilder.clamp(UNKNOWN_CONFIDENCE * observed.observedShare()),
        self - explainedByAny,
        "no "
            + families
            + " events on host "
            + observed.host()
            + " during the span: "
            + Durations.human(self - explainedByAny)
            + " of "
            + Durations.human(self)
            + " self time unexplained",
        "The kernel was not watched where this span's time could have been lost ("
            + families
            + "), so the time can be placed neither in a layer nor in the application.",
        "Record what is missing and analyse again (" + producers + ").",
        "§6 (completeness of the signals), §4",
        chain,
        evidence);
  }

  private Finding wireTime(
      RuleContext context, double lostFactor, List<ChainLink> chain, List<Evidence> evidence) {
    boolean rtoShaped = self >= MIN_RTO_NANOS;
    double confidence = (rtoShaped ? RTO_SHAPED_CONFIDENCE : SHORT_WIRE_CONFIDENCE) * lostFactor;
    DeviceKind device = context.deviceKind();
    if (device == DeviceKind.UNKNOWN) {
      confidence *= FindingBuilder.UNKNOWN_DEVICE_FACTOR;
      notes.add("the device of this hop's socket is unknown: its network slice is taken as L-3");
    }
    return finding(
        device.layer(),
        true,
        Finding.WIRE_TIME_CAUSE,
        Finding.WIRE_TIME_TITLE,
        FindingBuilder.clamp(confidence),
        self,
        Durations.human(self)
            + " of the client span is not covered by its server child"
            + (rtoShaped
                ? ", a gap shaped like a retransmission timeout (at least Linux's 200 ms minimum"
                    + " RTO)"
                : ""),
        "The client waited longer than its server child ran: the difference was spent on the"
            + " wire (a lost segment, queueing, a slow path) or in the peer's kernel before the"
            + " server span began. No retransmit or drop was caught on the flow, so this is"
            + " weaker evidence than a joined kernel event.",
        "Check the path between the two hosts: retransmits and drops on the flow"
            + " (samples/ebpf/tcp.bt), the NICs, veths and bridges on the way, the peer's"
            + " accept queue.",
        "§4 step 1 (client minus server), §3.2 (TCP retransmits, RTT)",
        chain,
        evidence);
  }

  /** A note naming the relevant families that were not (or only partly) observed. */
  private void noteUnobserved() {
    List<String> unseen = new ArrayList<>();
    observed
        .coverage()
        .forEach(
            (f, o) -> {
              if (o != Observation.OBSERVED && f != EvidenceFamily.HYPERVISOR) {
                unseen.add(f.wire() + (o == Observation.PARTIAL ? " (partly)" : ""));
              }
            });
    if (!unseen.isEmpty()) {
      notes.add("not observed on this host during the span: " + String.join(", ", unseen));
    }
  }

  private Finding finding(
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
      List<ChainLink> chain,
      List<Evidence> evidence) {
    return new Finding(
        hop.span(),
        hop.trace().pathTo(hop.span()),
        self,
        hop.reason(),
        hop.baselineNanos(),
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
        observed.coverage(),
        -1,
        0,
        null);
  }
}
