package io.isostack.correlator.verdict;

import io.isostack.model.EvidenceFamily;
import io.isostack.model.Observation;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What was observed for one slow span, and so which verdicts its evidence allows (docs/METHOD.md
 * §6; the rule of the README's "How a verdict is made": absence of evidence is not evidence of
 * absence).
 *
 * <p>The families that could explain a span's time are {@link #required() required}: the scheduler
 * for a span's own time (every wait of its threads, on a disk, a lock or a CPU, is off-CPU or
 * run-queue time the scheduler sees), the network for a client span's wire time. When one of them
 * was not observed the verdict is {@code unknown}; the other families only lower the confidence of
 * an {@code application} verdict when they were not observed.
 *
 * @param coverage every family's observation on the span's host over its window
 * @param wireTime whether the span's self time is wire time (a client span whose server child is
 *     traced)
 * @param host the span's host
 */
record Observed(Map<EvidenceFamily, Observation> coverage, boolean wireTime, String host) {
  private static final List<EvidenceFamily> SUPPLEMENTARY =
      List.of(
          EvidenceFamily.CGROUP_CPU,
          EvidenceFamily.SYSCALLS,
          EvidenceFamily.BLOCK,
          EvidenceFamily.MEMORY,
          EvidenceFamily.LOGS);

  Observed {
    EnumMap<EvidenceFamily, Observation> copy = new EnumMap<>(EvidenceFamily.class);
    copy.putAll(coverage);
    coverage = copy;
  }

  /** The families without which no verdict but {@code unknown} can be given. */
  List<EvidenceFamily> required() {
    return wireTime ? List.of(EvidenceFamily.NETWORK) : List.of(EvidenceFamily.SCHEDULER);
  }

  /** The required families that were not observed at all. */
  List<EvidenceFamily> missing() {
    return required().stream().filter(f -> coverage.get(f) == Observation.NOT_OBSERVED).toList();
  }

  /**
   * The share of the families relevant to this span (required and supplementary) that were
   * observed, a partial observation counting half: 0 when the kernel was not watched at all.
   */
  double observedShare() {
    List<EvidenceFamily> relevant =
        wireTime
            ? List.of(EvidenceFamily.NETWORK, EvidenceFamily.LOGS)
            : java.util.stream.Stream.concat(required().stream(), SUPPLEMENTARY.stream()).toList();
    double seen = 0;
    for (EvidenceFamily f : relevant) {
      Observation o = coverage.get(f);
      seen += o == Observation.OBSERVED ? 1 : o == Observation.PARTIAL ? 0.5 : 0;
    }
    return seen / relevant.size();
  }
}
