package io.isostack.correlator.join;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the kernel events say about processes: which cgroup, container and pod a host pid belongs
 * to, and its task name.
 *
 * <p>Learned from every event that carries a pid together with a cgroup or container field, from
 * {@code cgroup.attach} records (a process joined a cgroup) and from {@code process.exec} records,
 * which end one identity of a reused pid and start the next. What an event says is kept in the
 * identity its pid had at the event's time (what events after an exec taught before the exec itself
 * was learned moves to the identity the exec starts), and a span is answered with the identity its
 * pid had when the span started: a reuse of the pid after the span neither unlearns the span's
 * cgroup nor lends it the next process's. This is how a span's {@code process.pid} reaches a
 * cgroup's {@code cpu.throttled} events, and how a containerised span (whose pid is in its own
 * namespace) reaches its processes' host pids (docs/METHOD.md §5). Not thread-safe.
 */
public final class ProcessDirectory {
  /**
   * The most exec times remembered per pid, and identities kept past the first (a pid is rarely
   * reused more often in a window).
   */
  private static final int MAX_EXECS_PER_PID = 16;

  /** What is known about one host process: one identity of a pid, until the next exec. */
  static final class ProcessInfo {
    /** The exec that started this identity, or {@link Long#MIN_VALUE} when none was seen. */
    final long since;

    String comm;
    String cgroupPath;
    long cgroupId;
    String containerKey;
    String podUid;

    /** When each field was last changed: the time of the event that taught it. */
    long commAt;

    long cgroupPathAt;
    long cgroupIdAt;
    long containerKeyAt;
    long podUidAt;

    ProcessInfo(long since) {
      this.since = since;
    }
  }

  /** The identities of each pid, in the order of the execs that started them. */
  private final Map<EntityKey, List<ProcessInfo>> processes = new HashMap<>();

  private final Map<String, Set<EntityKey>> byContainer = new HashMap<>();
  private final Map<String, Set<EntityKey>> byPod = new HashMap<>();
  private final Map<EntityKey, Set<EntityKey>> byCgroup = new HashMap<>();
  private final Map<EntityKey, long[]> execTimes = new HashMap<>();

  /**
   * Learns from one event; events without a pid teach nothing.
   *
   * @param e the event
   */
  public void learn(KernelEvent e) {
    if (e.pid() <= 0) {
      return;
    }
    EntityKey key = EntityKey.process(e.host(), e.pid());
    long at = e.endEpochNanos();
    if (e.name() == EventName.PROCESS_EXEC) {
      rememberExec(key, at);
      startIdentity(key, at);
    }
    ProcessInfo info = process(key, at);
    if (info == null) {
      if (e.comm() == null && e.cgroupPath() == null && e.containerId() == null) {
        return;
      }
      info = startIdentity(key, Long.MIN_VALUE);
    }
    if (e.comm() != null
        && (info.comm == null || e.pid() == e.tid())
        && !e.comm().equals(info.comm)) {
      info.comm = e.comm();
      info.commAt = at;
    }
    if (e.cgroupPath() != null && !e.cgroupPath().equals(info.cgroupPath)) {
      info.cgroupPath = e.cgroupPath();
      info.cgroupPathAt = at;
      byCgroup
          .computeIfAbsent(EntityKey.cgroup(e.host(), e.cgroupPath()), k -> new LinkedHashSet<>())
          .add(key);
    }
    if (e.cgroupId() != 0 && e.cgroupId() != info.cgroupId) {
      info.cgroupId = e.cgroupId();
      info.cgroupIdAt = at;
    }
    String container = CgroupNames.containerKey(containerIdOf(e));
    if (container != null && !container.equals(info.containerKey)) {
      info.containerKey = container;
      info.containerKeyAt = at;
      byContainer.computeIfAbsent(container, k -> new LinkedHashSet<>()).add(key);
    }
    String pod = e.podUid() != null ? e.podUid() : CgroupNames.podUid(e.cgroupPath());
    if (pod != null && !pod.equals(info.podUid)) {
      info.podUid = pod;
      info.podUidAt = at;
      byPod.computeIfAbsent(pod, k -> new LinkedHashSet<>()).add(key);
    }
  }

  private void rememberExec(EntityKey key, long epochNanos) {
    long[] times = execTimes.get(key);
    if (times == null) {
      execTimes.put(key, new long[] {epochNanos});
    } else if (times.length < MAX_EXECS_PER_PID) {
      long[] more = java.util.Arrays.copyOf(times, times.length + 1);
      more[times.length] = epochNanos;
      java.util.Arrays.sort(more);
      execTimes.put(key, more);
    }
  }

  /**
   * Whether the process was replaced between two moments: a {@code process.exec} of its pid lies in
   * {@code (min(a, b), max(a, b)]}. An event on the other side of an exec belongs to another
   * process that reused the pid (or to the same process after an exec), not to a span's process.
   *
   * @param processKey a key of kind PROCESS
   * @param a one moment, nanoseconds since the Unix epoch
   * @param b the other moment
   */
  public boolean execBetween(EntityKey processKey, long a, long b) {
    long[] times = execTimes.get(processKey);
    if (times == null) {
      return false;
    }
    long lo = Math.min(a, b);
    long hi = Math.max(a, b);
    for (long t : times) {
      if (t > lo && t <= hi) {
        return true;
      }
    }
    return false;
  }

  /**
   * The identity of a pid that starts at {@code since}, added in exec order if it is new; the
   * oldest identity is dropped when a pid has more than {@link #MAX_EXECS_PER_PID}.
   */
  private ProcessInfo startIdentity(EntityKey key, long since) {
    List<ProcessInfo> identities = processes.computeIfAbsent(key, k -> new ArrayList<>(1));
    int i = 0;
    while (i < identities.size() && identities.get(i).since < since) {
      i++;
    }
    if (i < identities.size() && identities.get(i).since == since) {
      return identities.get(i);
    }
    ProcessInfo info = new ProcessInfo(since);
    identities.add(i, info);
    if (i > 0) {
      takeOver(identities.get(i - 1), info);
    }
    if (identities.size() > MAX_EXECS_PER_PID + 1) {
      identities.remove(0);
    }
    return info;
  }

  /**
   * Moves to a new identity what its predecessor was taught by events at or after the exec that
   * starts it: they were learned before the exec was, and are the next process's.
   */
  private static void takeOver(ProcessInfo previous, ProcessInfo next) {
    if (previous.comm != null && previous.commAt >= next.since) {
      next.comm = previous.comm;
      next.commAt = previous.commAt;
      previous.comm = null;
    }
    if (previous.cgroupPath != null && previous.cgroupPathAt >= next.since) {
      next.cgroupPath = previous.cgroupPath;
      next.cgroupPathAt = previous.cgroupPathAt;
      previous.cgroupPath = null;
    }
    if (previous.cgroupId != 0 && previous.cgroupIdAt >= next.since) {
      next.cgroupId = previous.cgroupId;
      next.cgroupIdAt = previous.cgroupIdAt;
      previous.cgroupId = 0;
    }
    if (previous.containerKey != null && previous.containerKeyAt >= next.since) {
      next.containerKey = previous.containerKey;
      next.containerKeyAt = previous.containerKeyAt;
      previous.containerKey = null;
    }
    if (previous.podUid != null && previous.podUidAt >= next.since) {
      next.podUid = previous.podUid;
      next.podUidAt = previous.podUidAt;
      previous.podUid = null;
    }
  }

  /** The container id of an event: its own field, else the one in its cgroup path. */
  public static String containerIdOf(KernelEvent e) {
    return e.containerId() != null ? e.containerId() : CgroupNames.containerId(e.cgroupPath());
  }

  /** What is known about a host process in its latest identity, or null. */
  ProcessInfo process(EntityKey processKey) {
    List<ProcessInfo> identities = processes.get(processKey);
    return identities == null ? null : identities.get(identities.size() - 1);
  }

  /**
   * What is known about a host process as it was at one moment: the identity started by the last
   * exec of its pid at or before it, or null.
   *
   * @param processKey a key of kind PROCESS
   * @param epochNanos the moment, nanoseconds since the Unix epoch
   */
  ProcessInfo process(EntityKey processKey, long epochNanos) {
    List<ProcessInfo> identities = processes.get(processKey);
    if (identities == null) {
      return null;
    }
    for (int i = identities.size() - 1; i >= 0; i--) {
      if (identities.get(i).since <= epochNanos) {
        return identities.get(i);
      }
    }
    return null;
  }

  /** Host processes in a container (by container key) at a moment. */
  Set<EntityKey> processesOfContainer(String containerKey, long epochNanos) {
    return at(byContainer.get(containerKey), epochNanos, i -> containerKey.equals(i.containerKey));
  }

  /** Host processes in a pod at a moment. */
  Set<EntityKey> processesOfPod(String podUid, long epochNanos) {
    return at(byPod.get(podUid), epochNanos, i -> podUid.equals(i.podUid));
  }

  /** Host processes in a cgroup (key of kind CGROUP) at a moment. */
  Set<EntityKey> processesOfCgroup(EntityKey cgroupKey, long epochNanos) {
    return at(byCgroup.get(cgroupKey), epochNanos, i -> cgroupKey.id().equals(i.cgroupPath));
  }

  /** The processes of a set whose identity at a moment satisfies a test. */
  private Set<EntityKey> at(Set<EntityKey> seen, long epochNanos, Predicate<ProcessInfo> test) {
    if (seen == null) {
      return Set.of();
    }
    Set<EntityKey> out = new LinkedHashSet<>();
    for (EntityKey k : seen) {
      ProcessInfo info = process(k, epochNanos);
      if (info != null && test.test(info)) {
        out.add(k);
      }
    }
    return out;
  }
}
