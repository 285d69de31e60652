package io.isostack.correlator.join;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.EnumSet;
import java.util.Set;

/**
 * Decides under which entity keys a kernel event is indexed, and feeds the directories.
 *
 * <p>The pid of events raised in softirq or timer context (retransmits, RTT probes, device drops,
 * block completions) is whatever task was interrupted, so those are never indexed by pid
 * (docs/formats/README.md); they join by 5-tuple, device or host instead. Not thread-safe.
 */
public final class EventRouter {
  /** Events whose pid is the task the event is about. */
  private static final Set<EventName> PID_RELIABLE =
      EnumSet.of(
          EventName.SCHED_RUNQ_LATENCY,
          EventName.SCHED_OFFCPU,
          EventName.MEM_OOM_KILL,
          EventName.SYSCALL_ERROR,
          EventName.SYSCALL_LATENCY,
          EventName.SECCOMP_LATENCY,
          EventName.TCP_CONNECT_LATENCY,
          EventName.TCP_LIFETIME,
          EventName.FS_SLOW_IO,
          EventName.LOG);

  /** Events about the node or one of its devices rather than one process. */
  private static final Set<EventName> HOST_LEVEL =
      EnumSet.of(
          EventName.BLOCK_IO_LATENCY,
          EventName.BLOCK_QUEUE_FULL,
          EventName.NET_DROP,
          EventName.NET_XDP_DROP,
          EventName.NET_QUEUE_FULL,
          EventName.NET_CONNTRACK_INSERT_FAILED,
          EventName.NET_SOFTIRQ_LATENCY,
          EventName.KVM_EXIT,
          EventName.KVM_EPT_FAULT,
          EventName.CPU_STEAL,
          EventName.LOG);

  /** Records that only describe entities and are never evidence themselves. */
  private static final Set<EventName> DIRECTORY_ONLY =
      EnumSet.of(
          EventName.CLOCK_SYNC,
          EventName.CGROUP_ATTACH,
          EventName.NET_INTERFACE,
          EventName.PROCESS_EXEC,
          EventName.PROCESS_EXIT,
          EventName.PRODUCER_LOST,
          EventName.PRODUCER_START);

  private final ProcessDirectory processes;
  private final InterfaceDirectory interfaces;
  private final Coverage coverage;

  /**
   * Creates a router feeding the given directories.
   *
   * @param processes learns pid → cgroup/container
   * @param interfaces learns address → device → driver
   * @param coverage learns what was watched, where and since when
   */
  public EventRouter(ProcessDirectory processes, InterfaceDirectory interfaces, Coverage coverage) {
    this.processes = processes;
    this.interfaces = interfaces;
    this.coverage = coverage;
  }

  /**
   * Feeds the directories with what an event says about its entities.
   *
   * @param e the event
   * @return whether the event can be evidence (and so should be indexed)
   */
  public boolean learn(KernelEvent e) {
    processes.learn(e);
    interfaces.learn(e);
    coverage.learn(e);
    return !DIRECTORY_ONLY.contains(e.name());
  }

  /**
   * Indexes an event under each of its keys.
   *
   * @param e the event
   * @param index the index to add to
   */
  public void index(KernelEvent e, EventIndex index) {
    index.countEvent();
    String host = e.host();
    if (e.pid() > 0 && PID_RELIABLE.contains(e.name())) {
      index.add(EntityKey.process(host, e.pid()), e);
    }
    if (e.cgroupPath() != null && !CgroupNames.isRoot(e.cgroupPath())) {
      index.add(EntityKey.cgroup(host, e.cgroupPath()), e);
    }
    if (e.cgroupId() != 0 && !CgroupNames.isRootId(e.cgroupId())) {
      index.add(EntityKey.cgroupId(host, e.cgroupId()), e);
    }
    String container = CgroupNames.containerKey(ProcessDirectory.containerIdOf(e));
    if (container != null) {
      index.add(EntityKey.container(container), e);
    }
    String pod = e.podUid() != null ? e.podUid() : CgroupNames.podUid(e.cgroupPath());
    if (pod != null) {
      index.add(EntityKey.pod(pod), e);
    }
    if (e.flow() != null) {
      index.add(EntityKey.flow(e.flow()), e);
      if (e.flow().local().hasPort()) {
        index.add(EntityKey.endpoint(e.flow().local()), e);
      }
      if (e.flow().remote().hasPort()) {
        index.add(EntityKey.endpoint(e.flow().remote()), e);
      }
    }
    if (HOST_LEVEL.contains(e.name())) {
      index.add(EntityKey.host(host), e);
    }
  }
}
