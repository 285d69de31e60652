package io.isostack.correlator.join;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps the per-host state of live correlation bounded: remembers when each host's events last
 * arrived and forgets a host from the process, interface and coverage directories when it has been
 * silent for longer than the retention (none of its events is left to join), or, least recently
 * seen first, when the directories hold more (host, pid) entries than allowed (host churn: every
 * pod restart a new host name).
 *
 * <p>Times are nanoseconds since the Unix epoch (event time). Not thread-safe: owned by the engine
 * thread.
 */
public final class HostEviction {
  private final ProcessDirectory processes;
  private final InterfaceDirectory interfaces;
  private final Coverage coverage;
  private final LinkedHashMap<String, long[]> lastSeen = new LinkedHashMap<>(16, 0.75f, true);
  private long evicted;

  /** Evicts from these directories. */
  public HostEviction(
      ProcessDirectory processes, InterfaceDirectory interfaces, Coverage coverage) {
    this.processes = Objects.requireNonNull(processes, "processes");
    this.interfaces = Objects.requireNonNull(interfaces, "interfaces");
    this.coverage = Objects.requireNonNull(coverage, "coverage");
  }

  /** Notes an event of {@code host} ending at {@code epochNanos}. */
  public void seen(String host, long epochNanos) {
    long[] t = lastSeen.get(host);
    if (t == null) {
      lastSeen.put(host, new long[] {epochNanos});
    } else if (epochNanos > t[0]) {
      t[0] = epochNanos;
    }
  }

  /**
   * Forgets, least recently seen first, the hosts silent since before {@code horizonEpochNanos} and
   * then more while the process directory holds more than {@code maxProcesses} entries; stops at
   * the first host that is neither (those after it arrived later).
   *
   * @return the hosts forgotten, least recently seen first (the caller drops its own state of them)
   */
  public List<String> evict(long horizonEpochNanos, int maxProcesses) {
    List<String> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, long[]>> it = lastSeen.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, long[]> e = it.next();
      boolean silent = e.getValue()[0] < horizonEpochNanos;
      if (!silent && processes.size() <= maxProcesses) {
        break; // the rest were seen more recently
      }
      it.remove();
      forget(e.getKey());
      out.add(e.getKey());
    }
    evicted += out.size();
    return out;
  }

  private void forget(String host) {
    processes.forgetHost(host);
    interfaces.forgetHost(host);
    coverage.forgetHost(host);
  }

  /** Hosts known now. */
  public int size() {
    return lastSeen.size();
  }

  /** Hosts forgotten so far. */
  public long evicted() {
    return evicted;
  }
}
