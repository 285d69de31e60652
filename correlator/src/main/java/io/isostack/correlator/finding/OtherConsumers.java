package io.isostack.correlator.finding;

import java.util.List;

/**
 * Who else used the node's CPUs while a {@code cpu-saturation} hop waited for one: the other
 * processes its scheduler events name as having held the CPU instead, most waited-on first.
 *
 * @param observed whether the hop's scheduler evidence names the task that held the CPU ({@code
 *     attrs.by_tid}, printed by {@code samples/ebpf/sched.bt}); when false the other consumers are
 *     unknown, not absent
 * @param top at most {@link #MAX} consumers, ordered by {@link CpuConsumer#waitedNanos()} then
 *     {@link CpuConsumer#waits()}, both descending, then pid; empty when not observed, or when only
 *     the idle task or the hop's own process held the CPU
 */
public record OtherConsumers(boolean observed, List<CpuConsumer> top) {
  /** How many consumers a finding names at most. */
  public static final int MAX = 3;

  /** The scheduler events did not say who held the CPU. */
  public static final OtherConsumers NOT_OBSERVED = new OtherConsumers(false, List.of());

  /** Validates and copies the list. */
  public OtherConsumers {
    top = List.copyOf(top);
    if (top.size() > MAX) {
      throw new IllegalArgumentException("top has more than " + MAX + " consumers: " + top.size());
    }
    if (!observed && !top.isEmpty()) {
      throw new IllegalArgumentException("top must be empty when not observed");
    }
  }
}
