package io.isostack.model;

import java.util.HashMap;
import java.util.Map;

/**
 * The closed vocabulary of kernel-event names of the canonical stream (docs/EVENTS.md, version 1),
 * plus the project's additions documented in {@code docs/EVENTS-EXTENSIONS.md}.
 *
 * <p>The wire name is the dotted {@code event.name} value; look it up with {@link #fromWire}.
 */
public enum EventName {
  CLOCK_SYNC("clock.sync"),
  PRODUCER_LOST("producer.lost"),
  SCHED_RUNQ_LATENCY("sched.runq_latency"),
  SCHED_OFFCPU("sched.offcpu"),
  CPU_THROTTLED("cpu.throttled"),
  MEM_OOM_KILL("mem.oom_kill"),
  SYSCALL_ERROR("syscall.error"),
  SYSCALL_LATENCY("syscall.latency"),
  SECCOMP_LATENCY("seccomp.latency"),
  TCP_RETRANSMIT("tcp.retransmit"),
  TCP_RTT("tcp.rtt"),
  TCP_CONNECT_LATENCY("tcp.connect_latency"),
  TCP_LIFETIME("tcp.lifetime"),
  NET_DROP("net.drop"),
  NET_XDP_DROP("net.xdp_drop"),
  NET_QUEUE_FULL("net.queue_full"),
  NET_CONNTRACK_INSERT_FAILED("net.conntrack_insert_failed"),
  NET_SOFTIRQ_LATENCY("net.softirq_latency"),
  BLOCK_IO_LATENCY("block.io_latency"),
  FS_SLOW_IO("fs.slow_io"),
  KVM_EXIT("kvm.exit"),
  LOG("log"),
  /**
   * Project addition: a process joined a cgroup ({@code pid}, {@code cgroup.path}/{@code
   * cgroup.id}).
   */
  CGROUP_ATTACH("cgroup.attach"),
  /**
   * Project addition: a network interface and its driver ({@code dev}, {@code saddr}, {@code
   * attrs.driver}).
   */
  NET_INTERFACE("net.interface"),
  /** Project addition: a process started ({@code pid}, {@code comm}); ends pid reuse ambiguity. */
  PROCESS_EXEC("process.exec"),
  /** Project addition: a process exited ({@code pid}). */
  PROCESS_EXIT("process.exit"),
  /**
   * Project addition: a producer started ({@code attrs.covers}: the comma-separated evidence
   * families it observes on its host from then on, e.g. {@code scheduler}; docs/EVENTS.md).
   */
  PRODUCER_START("producer.start"),
  /**
   * Project addition: EPT violations / NPT faults that KVM resolved as memory faults, on a
   * hypervisor host ({@code dur_ns}, {@code value} exits, {@code attrs.vcpu_tid}, {@code
   * attrs.vm_pid}; {@code samples/ebpf/kvm.bt}).
   */
  KVM_EPT_FAULT("kvm.ept_fault"),
  /**
   * Project addition: steal time a guest saw on one of its CPUs over a sampling interval ({@code
   * dur_ns}, {@code attrs.cpu}, {@code attrs.interval_ns}; {@code samples/ebpf/steal-sampler.sh}).
   */
  CPU_STEAL("cpu.steal"),
  /**
   * Project addition: a block device's request queue was at its depth over a sampling window
   * ({@code dev}, {@code attrs.in_flight}, {@code attrs.queue_depth}, {@code attrs.driver}, {@code
   * attrs.interval_ns}; for a virtio-blk disk, its virtqueue; {@code
   * samples/ebpf/virtq-sampler.sh}).
   */
  BLOCK_QUEUE_FULL("block.queue_full");

  private static final Map<String, EventName> BY_WIRE = new HashMap<>();

  static {
    for (EventName n : values()) {
      BY_WIRE.put(n.wire, n);
    }
  }

  private final String wire;

  EventName(String wire) {
    this.wire = wire;
  }

  /** The {@code event.name} value on the wire, e.g. {@code "sched.runq_latency"}. */
  public String wire() {
    return wire;
  }

  /**
   * Looks up an event name.
   *
   * @param wire the {@code event.name} value
   * @return the name, or {@code null} when the stream uses a name this version does not know (the
   *     caller counts and skips it)
   */
  public static EventName fromWire(String wire) {
    return BY_WIRE.get(wire);
  }
}
