package io.isostack.model;

import java.util.Locale;

/**
 * The families of kernel evidence, by what a producer watches: the unit in which the correlator
 * says what was observed for a slow span and what was not (docs/METHOD.md §6, docs/EVENTS.md
 * "Coverage"). Each names the shipped producer that observes it. Thread-safe (an enum).
 */
public enum EvidenceFamily {
  /** Run-queue latency and off-CPU time ({@code sched.*}). */
  SCHEDULER("samples/ebpf/sched.bt"),
  /** CFS throttling of cgroups ({@code cpu.throttled}). */
  CGROUP_CPU("samples/ebpf/cgroup-sampler.sh"),
  /** Memory-limit kills ({@code mem.*}). */
  MEMORY("samples/ebpf/oom.bt"),
  /** Failed and slow syscalls, seccomp ({@code syscall.*}, {@code seccomp.latency}). */
  SYSCALLS("samples/ebpf/syscalls.bt"),
  /** TCP flows and network devices ({@code tcp.*}, {@code net.*} but {@code net.interface}). */
  NETWORK("samples/ebpf/tcp.bt"),
  /** Block devices and filesystems ({@code block.io_latency}, {@code fs.slow_io}). */
  BLOCK("samples/ebpf/block.bt"),
  /**
   * The request queues of block devices against their depth, a virtio-blk disk's virtqueue ({@code
   * block.queue_full}).
   */
  BLOCK_QUEUE("samples/ebpf/virtq-sampler.sh"),
  /** Kernel, runtime and hypervisor logs ({@code log}). */
  LOGS("journalctl -k -o json, dmesg --json or OTLP logs"),
  /**
   * VM exits and EPT faults seen on the hypervisor ({@code kvm.*}), steal time seen in a guest
   * ({@code cpu.steal}).
   */
  HYPERVISOR("samples/ebpf/kvm.bt on the hypervisor, samples/ebpf/steal-sampler.sh in the guest");

  private final String producer;

  EvidenceFamily(String producer) {
    this.producer = producer;
  }

  /**
   * The family's name in reports and in {@code attrs.covers}: {@code scheduler}, {@code
   * cgroup-cpu}…
   */
  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** What observes it: a shipped producer's path, or another source. */
  public String producer() {
    return producer;
  }

  /**
   * The family an event is evidence of.
   *
   * @return the family, or null for events that describe entities rather than evidence ({@code
   *     clock.sync}, {@code cgroup.attach}, {@code net.interface}, {@code process.*}, {@code
   *     producer.lost})
   */
  public static EvidenceFamily of(EventName name) {
    return switch (name) {
      case SCHED_RUNQ_LATENCY, SCHED_OFFCPU -> SCHEDULER;
      case CPU_THROTTLED -> CGROUP_CPU;
      case MEM_OOM_KILL -> MEMORY;
      case SYSCALL_ERROR, SYSCALL_LATENCY, SECCOMP_LATENCY -> SYSCALLS;
      case TCP_RETRANSMIT,
          TCP_RTT,
          TCP_CONNECT_LATENCY,
          TCP_LIFETIME,
          NET_DROP,
          NET_XDP_DROP,
          NET_QUEUE_FULL,
          NET_CONNTRACK_INSERT_FAILED,
          NET_SOFTIRQ_LATENCY ->
          NETWORK;
      case BLOCK_IO_LATENCY, FS_SLOW_IO -> BLOCK;
      case BLOCK_QUEUE_FULL -> BLOCK_QUEUE;
      case LOG -> LOGS;
      case KVM_EXIT, KVM_EPT_FAULT, CPU_STEAL -> HYPERVISOR;
      default -> null;
    };
  }

  /**
   * Looks a family up by its {@link #wire()} name.
   *
   * @return the family, or null when the name is none
   */
  public static EvidenceFamily fromWire(String wire) {
    for (EvidenceFamily f : values()) {
      if (f.wire().equals(wire)) {
        return f;
      }
    }
    return null;
  }
}
