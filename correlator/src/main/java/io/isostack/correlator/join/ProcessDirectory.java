package io.isostack.correlator.join;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the kernel events say about processes: which cgroup, container and pod a host pid belongs
 * to, and its task name.
 *
 * <p>Learned from every event that carries a pid together with a cgroup or container field, and
 * from {@code cgroup.attach} records (a process joined a cgroup). A pid's {@code process.exec} and
 * {@code process.exit} records end one identity of that pid and start another: what was learned
 * before belongs to the old process, what comes after to the one that reused the pid, whatever
 * order the records arrive in. This is how a span's {@code process.pid} reaches a cgroup's {@code
 * cpu.throttled} events, and how a containerised span (whose pid is in its own namespace) reaches
 * its processes' host pids (docs/METHOD.md §5).
 *
 * <p>What a host taught can be forgotten as a whole ({@link #forgetHost}), so that live correlation
 * keeps a bounded directory under host churn. Not thread-safe.
 */
public final class ProcessDirectory {
  /** The most identity changes remembered per pid (a pid is rarely reused more often). */
  private static final int MAX_CHANGES_PER_PID = 16;

  /**
   * What is known about one identity of a host pid. Each field keeps the earliest time an event
   * taught its value, so that what was taught only after an exec or exit that is read late can move
   * to the identity it starts.
   */
  static final class ProcessInfo {
    String comm;
    String cgroupPath;
    long cgroupId;
    String containerKey;
    String podUid;

    long commSince;
    long cgroupPathSince;
    long cgroupIdSince;
    long containerKeySince;
    long podUidSince;

    /**
     * Moves out of this identity, into a new one, the values that only events at or after {@code t}
     * taught; null when there are none. A value also taught before {@code t} stays.
     */
    ProcessInfo splitAt(long t) {
      ProcessInfo next = new ProcessInfo();
      boolean moved = false;
      if (comm != null && commSince >= t) {
        next.comm = comm;
        next.commSince = commSince;
        comm = null;
        moved = true;
      }
      if (cgroupPath != null && cgroupPathSince >= t) {
        next.cgroupPath = cgroupPath;
        next.cgroupPathSince = cgroupPathSince;
        cgroupPath = null;
        moved = true;
      }
      if (cgroupId != 0 && cgroupIdSince >= t) {
        next.cgroupId = cgroupId;
        next.cgroupIdSince = cgroupIdSince;
        cgroupId = 0;
        moved = true;
      }
      if (containerKey != null && containerKeySince >= t) {
        next.containerKey = containerKey;
        next.containerKeySince = containerKeySince;
        containerKey = null;
        moved = true;
      }
      if (podUid != null && podUidSince >= t) {
        next.podUid = podUid;
        next.podUidSince = podUidSince;
        podUid = null;
        moved = true;
      }
      return moved ? next : null;
    }
  }

  /**
   * The identities of one pid: {@code infos[i]} holds from {@code changes[i - 1]} (inclusive) to
   * {@code changes[i]} (exclusive), nanoseconds since the Unix epoch; {@code infos[0]} from the
   * beginning of time.
   */
  private static final class Identities {
    long[] changes = new long[0];
    ProcessInfo[] infos = new ProcessInfo[1];

    int at(long epochNanos) {
      int i = 0;
      while (i < changes.length && changes[i] <= epochNanos) {
        i++;
      }
      return i;
    }

    /** Ends the identity holding at {@code t} there; a new, empty one starts. */
    void change(long t) {
      int i = at(t);
      if ((i > 0 && changes[i - 1] == t) || changes.length >= MAX_CHANGES_PER_PID) {
        return;
      }
      long[] c = new long[changes.length + 1];
      System.arraycopy(changes, 0, c, 0, i);
      c[i] = t;
      System.arraycopy(changes, i, c, i + 1, changes.length - i);
      ProcessInfo[] n = new ProcessInfo[infos.length + 1];
      System.arraycopy(infos, 0, n, 0, i + 1);
      System.arraycopy(infos, i + 1, n, i + 2, infos.length - i - 1);
      // Events after t read before this change taught the identity that held then: theirs moves.
      n[i + 1] = infos[i] == null ? null : infos[i].splitAt(t);
      changes = c;
      infos = n;
    }
  }

  private final Map<EntityKey, Identities> processes = new HashMap<>();
  private final Map<String, Set<EntityKey>> byContainer = new HashMap<>();
  private final Map<String, Set<EntityKey>> byPod = new HashMap<>();
  private final Map<EntityKey, Set<EntityKey>> byCgroup = new HashMap<>();
  private final Map<String, HostKeys> byHost = new HashMap<>();

  /** What one host put in the directory, so that it can be forgotten without a scan. */
  private static final class HostKeys {
    final List<EntityKey> processes = new ArrayList<>();
    final Set<Object> indexKeys = new HashSet<>();
  }

  private HostKeys host(String host) {
    return byHost.computeIfAbsent(host, h -> new HostKeys());
  }

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
    long t = e.endEpochNanos();
    boolean change = e.name() == EventName.PROCESS_EXEC || e.name() == EventName.PROCESS_EXIT;
    Identities ids = processes.get(key);
    if (ids == null) {
      if (!change && e.comm() == null && e.cgroupPath() == null && e.containerId() == null) {
        return;
      }
      ids = new Identities();
      processes.put(key, ids);
      host(e.host()).processes.add(key);
    }
    if (change) {
      ids.change(e.name() == EventName.PROCESS_EXIT ? t + 1 : t);
    }
    int i = ids.at(t);
    ProcessInfo info = ids.infos[i];
    if (info == null) {
      info = new ProcessInfo();
      ids.infos[i] = info;
    }
    if (e.comm() != null && (info.comm == null || e.pid() == e.tid())) {
      info.commSince = since(e.comm().equals(info.comm), info.commSince, t);
      info.comm = e.comm();
    }
    if (e.cgroupPath() != null) {
      boolean same = e.cgroupPath().equals(info.cgroupPath);
      info.cgroupPathSince = since(same, info.cgroupPathSince, t);
      if (!same) {
        info.cgroupPath = e.cgroupPath();
        EntityKey cgroup = EntityKey.cgroup(e.host(), e.cgroupPath());
        byCgroup.computeIfAbsent(cgroup, k -> new LinkedHashSet<>()).add(key);
        host(e.host()).indexKeys.add(cgroup);
      }
    }
    if (e.cgroupId() != 0) {
      info.cgroupIdSince = since(e.cgroupId() == info.cgroupId, info.cgroupIdSince, t);
      info.cgroupId = e.cgroupId();
    }
    String container = CgroupNames.containerKey(containerIdOf(e));
    if (container != null) {
      boolean same = container.equals(info.containerKey);
      info.containerKeySince = since(same, info.containerKeySince, t);
      if (!same) {
        info.containerKey = container;
        byContainer.computeIfAbsent(container, k -> new LinkedHashSet<>()).add(key);
        host(e.host()).indexKeys.add(new ContainerRef(container));
      }
    }
    String pod = e.podUid() != null ? e.podUid() : CgroupNames.podUid(e.cgroupPath());
    if (pod != null) {
      boolean same = pod.equals(info.podUid);
      info.podUidSince = since(same, info.podUidSince, t);
      if (!same) {
        info.podUid = pod;
        byPod.computeIfAbsent(pod, k -> new LinkedHashSet<>()).add(key);
        host(e.host()).indexKeys.add(new PodRef(pod));
      }
    }
  }

  private record ContainerRef(String key) {}

  private record PodRef(String uid) {}

  /** (host, pid) entries held. */
  public int size() {
    return processes.size();
  }

  /**
   * Forgets everything {@code host}'s events taught: its processes and their places in the
   * container, pod and cgroup indexes.
   *
   * @return how many (host, pid) entries were removed
   */
  public int forgetHost(String host) {
    HostKeys keys = byHost.remove(host);
    if (keys == null) {
      return 0;
    }
    for (EntityKey k : keys.processes) {
      processes.remove(k);
    }
    for (Object ref : keys.indexKeys) {
      if (ref instanceof EntityKey cgroup) {
        byCgroup.remove(cgroup);
      } else if (ref instanceof ContainerRef c) {
        removeHost(byContainer, c.key(), host);
      } else if (ref instanceof PodRef pod) {
        removeHost(byPod, pod.uid(), host);
      }
    }
    return keys.processes.size();
  }

  private static void removeHost(Map<String, Set<EntityKey>> index, String key, String host) {
    Set<EntityKey> set = index.get(key);
    if (set != null) {
      set.removeIf(k -> host.equals(k.host()));
      if (set.isEmpty()) {
        index.remove(key);
      }
    }
  }

  /** The earliest time a value was taught: {@code t} for a new one, else the earlier of both. */
  private static long since(boolean same, long since, long t) {
    return same ? Math.min(since, t) : t;
  }

  /**
   * Whether the pid changed identity between two moments: a {@code process.exec} or {@code
   * process.exit} of it lies between them. An event on the other side belongs to another process
   * that reused the pid (or to the same process after an exec), not to a span's process.
   *
   * @param processKey a key of kind PROCESS
   * @param a one moment, nanoseconds since the Unix epoch
   * @param b the other moment
   */
  public boolean identityChangedBetween(EntityKey processKey, long a, long b) {
    Identities ids = processes.get(processKey);
    return ids != null && ids.at(a) != ids.at(b);
  }

  /** The container id of an event: its own field, else the one in its cgroup path. */
  public static String containerIdOf(KernelEvent e) {
    return e.containerId() != null ? e.containerId() : CgroupNames.containerId(e.cgroupPath());
  }

  /**
   * What is known about the process a host pid was at a moment, or null.
   *
   * @param epochNanos the moment, nanoseconds since the Unix epoch (e.g. a span's start)
   */
  ProcessInfo process(EntityKey processKey, long epochNanos) {
    Identities ids = processes.get(processKey);
    return ids == null ? null : ids.infos[ids.at(epochNanos)];
  }

  /**
   * Host processes in a container (by container key) at a moment: pids whose identity then was seen
   * in it, not a pid that another process reused before or after.
   */
  Set<EntityKey> processesOfContainer(String containerKey, long epochNanos) {
    return at(byContainer.get(containerKey), epochNanos, i -> containerKey.equals(i.containerKey));
  }

  /** Host processes in a pod at a moment, as {@link #processesOfContainer}. */
  Set<EntityKey> processesOfPod(String podUid, long epochNanos) {
    return at(byPod.get(podUid), epochNanos, i -> podUid.equals(i.podUid));
  }

  /**
   * Host processes in a cgroup (key of kind CGROUP) at a moment, as {@link #processesOfContainer}.
   */
  Set<EntityKey> processesOfCgroup(EntityKey cgroupKey, long epochNanos) {
    return at(byCgroup.get(cgroupKey), epochNanos, i -> cgroupKey.id().equals(i.cgroupPath));
  }

  private Set<EntityKey> at(Set<EntityKey> seen, long epochNanos, Predicate<ProcessInfo> then) {
    if (seen == null) {
      return Set.of();
    }
    Set<EntityKey> out = new LinkedHashSet<>();
    for (EntityKey k : seen) {
      ProcessInfo info = process(k, epochNanos);
      if (info != null && then.test(info)) {
        out.add(k);
      }
    }
    return out;
  }
}
