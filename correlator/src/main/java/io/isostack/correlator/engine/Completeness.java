package io.isostack.correlator.engine;

import io.isostack.correlator.finding.Finding;
import io.isostack.model.EvidenceFamily;
import io.isostack.model.IsolationLayer;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How complete the analysed input was, after the completeness criteria of docs/METHOD.md §6: which
 * signals were present (traces, kernel events by family, logs; metrics are not an input), and
 * whether every slow span could be followed from its trace id down to kernel evidence.
 *
 * @param spans distinct spans read
 * @param traces traces assembled
 * @param eventsByFamily kernel events read per evidence family
 * @param watched the families some host watched (an event, or a {@code producer.start})
 * @param slowHops slow spans analysed
 * @param drilledDown slow spans with kernel evidence joined to them
 * @param unobserved slow spans whose verdict is {@code unknown}: the kernel was not watched there
 */
public record Completeness(
    long spans,
    int traces,
    Map<EvidenceFamily, Long> eventsByFamily,
    Set<EvidenceFamily> watched,
    int slowHops,
    int drilledDown,
    int unobserved) {

  /** Copies the collections. */
  public Completeness {
    EnumMap<EvidenceFamily, Long> events = new EnumMap<>(EvidenceFamily.class);
    events.putAll(eventsByFamily);
    eventsByFamily = Collections.unmodifiableMap(events);
    EnumSet<EvidenceFamily> w = EnumSet.noneOf(EvidenceFamily.class);
    w.addAll(watched);
    watched = Collections.unmodifiableSet(w);
  }

  /** Counts the findings' drill-down. */
  static Completeness of(
      long spans,
      int traces,
      Map<EvidenceFamily, Long> eventsByFamily,
      Set<EvidenceFamily> watched,
      List<Finding> findings) {
    int drilled = 0;
    int unknown = 0;
    for (Finding f : findings) {
      if (!f.evidence().isEmpty()) {
        drilled++;
      }
      if (f.layer() == IsolationLayer.UNKNOWN) {
        unknown++;
      }
    }
    return new Completeness(
        spans, traces, eventsByFamily, watched, findings.size(), drilled, unknown);
  }

  /** The families no host watched, in the enum's order: what to add to the recording. */
  public List<EvidenceFamily> toAdd() {
    return java.util.Arrays.stream(EvidenceFamily.values())
        .filter(f -> !watched.contains(f))
        .toList();
  }
}
