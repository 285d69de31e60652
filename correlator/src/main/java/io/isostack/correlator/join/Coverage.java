package io.isostack.correlator.join;

import io.isostack.model.EventName;
import io.isostack.model.EvidenceFamily;
import io.isostack.model.KernelEvent;
import io.isostack.model.Observation;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * What the kernel-event input shows was watched: per host, from when each evidence family was
 * observed, and which cgroups have a CPU limit (docs/EVENTS.md "Coverage").
 *
 * <p>A family is observed on a host from the earliest of: an event of that family, or a record
 * whose {@code attrs.covers} names it (the shipped producers put it on their start-up {@code
 * clock.sync}), until the latest event of any kind seen on that host (the end of the recording, or
 * now when live): a producer is taken to run from its first record to the end of the input. This
 * over-states coverage when a producer stopped early, and under-states it for a producer that
 * neither declares what it covers nor emitted anything. Bounded by hosts × families. Not
 * thread-safe.
 */
public final class Coverage {
  /**
   * How far a window may stick out of a family's span and still count as observed: 1 s, the
   * resolution of the coarsest producers' timestamps and samplers
   * (docs/formats/02-libbpf-tools.md).
   */
  static final long TOLERANCE_NANOS = 1_000_000_000L;

  private final Map<String, HostCoverage> hosts = new HashMap<>();

  /** The host of the last event learnt and its coverage: events come in runs of one host. */
  private String lastHost;

  private HostCoverage last;

  /** Per cgroup, the start of the first sample that showed its CPU limit, epoch ns. */
  private final Map<EntityKey, Long> cpuLimitedSince = new HashMap<>();

  private static final EvidenceFamily[] FAMILIES = EvidenceFamily.values();

  private final long[] eventsByFamily = new long[FAMILIES.length];

  /** Learns from one event (any event, evidence or not). */
  public void learn(KernelEvent e) {
    String host = e.host();
    HostCoverage c = host.equals(lastHost) ? last : hosts.get(host);
    if (c == null) {
      c = new HostCoverage(e.endEpochNanos());
      hosts.put(host, c);
    } else {
      c.until = Math.max(c.until, e.endEpochNanos());
    }
    lastHost = host;
    last = c;
    EvidenceFamily family = EvidenceFamily.of(e.name());
    if (family != null) {
      c.observedFrom(family, e.startEpochNanos());
      eventsByFamily[family.ordinal()]++;
    }
    String covers = e.attr("covers");
    if (covers != null) {
      for (String name : covers.split(",")) {
        EvidenceFamily f = EvidenceFamily.fromWire(name.trim());
        if (f != null) {
          c.observedFrom(f, e.endEpochNanos());
        }
      }
    }
    if (e.name() == EventName.CPU_THROTTLED && e.cgroupPath() != null && quota(e) > 0) {
      cpuLimitedSince.merge(EntityKey.cgroup(host, e.cgroupPath()), e.startEpochNanos(), Math::min);
    }
  }

  /** One host's coverage: the latest event end, and per family the earliest observation. */
  private static final class HostCoverage {
    private long until;
    private final long[] since = new long[FAMILIES.length];
    private final boolean[] observed = new boolean[FAMILIES.length];

    HostCoverage(long until) {
      this.until = until;
    }

    void observedFrom(EvidenceFamily family, long epochNanos) {
      int f = family.ordinal();
      since[f] = observed[f] ? Math.min(since[f], epochNanos) : epochNanos;
      observed[f] = true;
    }
  }

  private static long quota(KernelEvent e) {
    String q = e.attr("cfs_quota_us");
    try {
      return q == null ? 0 : Long.parseLong(q.trim());
    } catch (NumberFormatException ex) {
      return 0;
    }
  }

  /**
   * Whether {@code family} was observed on {@code host} over a window.
   *
   * @param from the window's start, nanoseconds since the Unix epoch
   * @param to the window's end, nanoseconds since the Unix epoch
   */
  public Observation observation(String host, EvidenceFamily family, long from, long to) {
    HostCoverage c = hosts.get(host);
    if (c == null || !c.observed[family.ordinal()]) {
      return Observation.NOT_OBSERVED;
    }
    long start = c.since[family.ordinal()];
    long end = c.until;
    if (start <= from + TOLERANCE_NANOS && end >= to - TOLERANCE_NANOS) {
      return Observation.OBSERVED;
    }
    return start < to && end > from ? Observation.PARTIAL : Observation.NOT_OBSERVED;
  }

  /** Every family's observation on {@code host} over a window, in the enum's order. */
  public Map<EvidenceFamily, Observation> of(String host, long from, long to) {
    Map<EvidenceFamily, Observation> out = new EnumMap<>(EvidenceFamily.class);
    for (EvidenceFamily f : EvidenceFamily.values()) {
      out.put(f, observation(host, f, from, to));
    }
    return out;
  }

  /**
   * What the whole input held of each family: its events, and whether any host watched it (an
   * event, or a {@code producer.start} naming it).
   */
  public Map<EvidenceFamily, FamilyTotal> totals() {
    Map<EvidenceFamily, FamilyTotal> out = new EnumMap<>(EvidenceFamily.class);
    for (EvidenceFamily f : EvidenceFamily.values()) {
      boolean watched = hosts.values().stream().anyMatch(c -> c.observed[f.ordinal()]);
      out.put(f, new FamilyTotal(eventsByFamily[f.ordinal()], watched));
    }
    return out;
  }

  /**
   * One family over the whole input.
   *
   * @param events how many events of the family were read (evidence or not near a slow span)
   * @param watched whether any host watched it
   */
  public record FamilyTotal(long events, boolean watched) {}

  /** Forgets what {@code host}'s events taught (live correlation, when the host is evicted). */
  public void forgetHost(String host) {
    hosts.remove(host);
    lastHost = null;
    last = null;
    if (!cpuLimitedSince.isEmpty()) {
      cpuLimitedSince.keySet().removeIf(k -> host.equals(k.host()));
    }
  }

  /**
   * Whether any of these keys is a cgroup with a CPU limit ({@code cpu.throttled} with {@code
   * attrs.cfs_quota_us} > 0) by the end of a window, give or take {@link #TOLERANCE_NANOS}: a limit
   * is taken to hold from the first sample that shows it on (the samplers report the quota only
   * with throttling, so neither a limit that has not yet bound nor its removal is seen), and a
   * limit set after a span is not that span's.
   *
   * @param to the window's end, nanoseconds since the Unix epoch
   */
  public boolean cpuLimited(Iterable<EntityKey> keys, long to) {
    for (EntityKey k : keys) {
      Long since = cpuLimitedSince.get(k);
      if (since != null && since <= to + TOLERANCE_NANOS) {
        return true;
      }
    }
    return false;
  }
}
