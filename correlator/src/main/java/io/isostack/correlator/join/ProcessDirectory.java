package io.isostack.correlator.join;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

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
 * its processes' host pids (docs/METHOD.md §5). Not thread-safe.
 */
public final class ProcessDirectory {
  /** The most identity changes remembered per pid (a pid is rarely reused more often). */
  private static final int MAX_CHANGES_PER_PID = 16;

  /** What is known about one identity of a host pid. */
  static final class ProcessInfo {
    String comm;
    String cgroupPath;
    long cgroupId;
    String containerKey;
    String podUid;
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
      changes = c;
      infos = n;
    }
  }

  private final Map<EntityKey, Identities> processes = new HashMap<>();
  private final Map<String, Set<EntityKey>> byContainer = new HashMap<>();
  private final Map<String, Set<EntityKey>> byPod = new HashMap<>();
  private final Map<EntityKey, Set<EntityKey>> byCgroup = new HashMap<>();

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
      info.comm = e.comm();
    }
    if (e.cgroupPath() != null && !e.cgroupPath().equals(info.cgroupPath)) {
      info.cgroupPath = e.cgroupPath();
      byCgroup
          .computeIfAbsent(EntityKey.cgroup(e.host(), e.cgroupPath()), k -> new LinkedHashSet<>())
          .add(key);
    }
    if (e.cgroupId() != 0 && e.cgroupId() != info.cgroupId) {
      info.cgroupId = e.cgroupId();
    }
    String container = CgroupNames.containerKey(containerIdOf(e));
    if (container != null && !container.equals(info.containerKey)) {
      info.containerKey = container;
      byContainer.computeIfAbsent(container, k -> new LinkedHashSet<>()).add(key);
    }
    String pod = e.podUid() != null ? e.podUid() : CgroupNames.podUid(e.cgroupPath());
    if (pod != null && !pod.equals(info.podUid)) {
      info.podUid = pod;
      byPod.computeIfAbsent(pod, k -> new LinkedHashSet<>()).add(key);
    }
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

  /** Host processes seen in a container (by container key). */
  Set<EntityKey> processesOfContainer(String containerKey) {
    return byContainer.getOrDefault(containerKey, Set.of());
  }

  /** Host processes seen in a pod. */
  Set<EntityKey> processesOfPod(String podUid) {
    return byPod.getOrDefault(podUid, Set.of());
  }

  /** Host processes seen in a cgroup (key of kind CGROUP). */
  Set<EntityKey> processesOfCgroup(EntityKey cgroupKey) {
    return byCgroup.getOrDefault(cgroupKey, Set.of());
  }
}
