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
 * <p>Learned from every event that carries a pid together with a cgroup or container field, from
 * {@code cgroup.attach} records (a process joined a cgroup) and from {@code process.exec} records,
 * which forget what was known about a reused pid. This is how a span's {@code process.pid} reaches
 * a cgroup's {@code cpu.throttled} events, and how a containerised span (whose pid is in its own
 * namespace) reaches its processes' host pids (docs/METHOD.md §5). Not thread-safe.
 */
public final class ProcessDirectory {
  /** The most exec times remembered per pid (a pid is rarely reused more often in a window). */
  private static final int MAX_EXECS_PER_PID = 16;

  /** What is known about one host process. */
  static final class ProcessInfo {
    String comm;
    String cgroupPath;
    long cgroupId;
    String containerKey;
    String podUid;
  }

  private final Map<EntityKey, ProcessInfo> processes = new HashMap<>();
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
    if (e.name() == EventName.PROCESS_EXEC) {
      forget(key);
      rememberExec(key, e.endEpochNanos());
    }
    ProcessInfo info = processes.get(key);
    if (info == null) {
      if (e.comm() == null && e.cgroupPath() == null && e.containerId() == null) {
        return;
      }
      info = new ProcessInfo();
      processes.put(key, info);
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

  private void forget(EntityKey key) {
    ProcessInfo old = processes.remove(key);
    if (old == null) {
      return;
    }
    if (old.containerKey != null) {
      byContainer.getOrDefault(old.containerKey, Set.of()).remove(key);
    }
    if (old.podUid != null) {
      byPod.getOrDefault(old.podUid, Set.of()).remove(key);
    }
    if (old.cgroupPath != null) {
      byCgroup.getOrDefault(EntityKey.cgroup(key.host(), old.cgroupPath), Set.of()).remove(key);
    }
  }

  /** The container id of an event: its own field, else the one in its cgroup path. */
  public static String containerIdOf(KernelEvent e) {
    return e.containerId() != null ? e.containerId() : CgroupNames.containerId(e.cgroupPath());
  }

  /** What is known about a host process, or null. */
  ProcessInfo process(EntityKey processKey) {
    return processes.get(processKey);
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
