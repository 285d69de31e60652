package io.isostack.correlator.rules;

import io.isostack.correlator.join.DeviceKind;
import java.util.Objects;

/**
 * What is known about the entity under a slow hop when its events are classified.
 *
 * @param sandbox whether the process runs under a sandbox runtime (gVisor {@code runsc},
 *     Firecracker, Kata, a WASM runtime), from its task names or {@code process.executable.name}
 * @param cpuQuota whether the process's cgroup has a CPU quota that throttled it (a {@code
 *     cpu.throttled} event joined to the hop)
 * @param cpuLimit whether the process's cgroup has a CPU limit (a CFS quota, {@code
 *     cpu.cfs_quota_us} > 0), whether or not it throttled during the hop: seen in any {@code
 *     cpu.throttled} sample of that cgroup; always true when {@code cpuQuota} is
 * @param deviceKind the kind of the device the hop's traffic uses: the device with drop or queue
 *     evidence on the hop's host, else the device of the socket's local address, else {@link
 *     DeviceKind#UNKNOWN}
 * @param virtqueueFull when the virtqueue of each virtio-blk disk on the hop's host was at its
 *     depth ({@code block.queue_full} events joined to the hop)
 */
public record RuleContext(
    boolean sandbox,
    boolean cpuQuota,
    boolean cpuLimit,
    DeviceKind deviceKind,
    QueueFullWindows virtqueueFull) {
  /** Validates: deviceKind and virtqueueFull are required; a throttling quota is a limit. */
  public RuleContext {
    Objects.requireNonNull(deviceKind, "deviceKind");
    Objects.requireNonNull(virtqueueFull, "virtqueueFull");
    cpuLimit |= cpuQuota;
  }

  /** A context with no virtqueue evidence. */
  public RuleContext(boolean sandbox, boolean cpuQuota, boolean cpuLimit, DeviceKind deviceKind) {
    this(sandbox, cpuQuota, cpuLimit, deviceKind, QueueFullWindows.NONE);
  }

  /** A context whose CPU limit is known only from throttling ({@code cpuLimit == cpuQuota}). */
  public RuleContext(boolean sandbox, boolean cpuQuota, DeviceKind deviceKind) {
    this(sandbox, cpuQuota, cpuQuota, deviceKind);
  }
}
