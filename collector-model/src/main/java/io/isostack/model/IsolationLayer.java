package io.isostack.model;

/**
 * The isolation layer a slow span's time is attributed to (docs/METHOD.md §2).
 *
 * <p>{@link #APPLICATION} is not a kernel layer: it is the verdict when the kernel was observed and
 * its evidence explains too little of a slow hop's time, so the time was spent in the application
 * itself; {@link #UNKNOWN} is the verdict when it was not observed. The network is not a layer of
 * its own: it is a slice of one of these layers, carried by a separate flag on a finding.
 */
public enum IsolationLayer {
  /** L-0: hardware assist (VT-x, AMD-V, SEV; SR-IOV VFs in its network slice). */
  L0("L-0", "hardware assist"),
  /** L-1: full virtualization (KVM, QEMU, vCPUs, vSwitch/tap in its network slice). */
  L1("L-1", "full virtualization"),
  /** L-2: paravirtualization (virtio, vhost, virtqueues). */
  L2("L-2", "paravirtualization"),
  /** L-3: containers (cgroups, namespaces, seccomp profiles, veth/CNI/conntrack). */
  L3("L-3", "container"),
  /** L-4: sandboxes (gVisor, microVMs, WASM runtimes). */
  L4("L-4", "sandbox"),
  /** The node's own devices: block devices and filesystems. */
  HOST("host", "host devices"),
  /** Time spent in the application itself, not explained by kernel evidence that was observed. */
  APPLICATION("application", "application"),
  /**
   * Not a layer: the verdict when the kernel was not observed where the time could have been lost
   * (no producer watched the hop's scheduler, or its flow), so neither a layer nor the application
   * can be named (docs/METHOD.md §6).
   */
  UNKNOWN("unknown", "not observed");

  private final String code;
  private final String title;

  IsolationLayer(String code, String title) {
    this.code = code;
    this.title = title;
  }

  /**
   * The short code used in reports and rule files: {@code L-0}…{@code L-4}, {@code host}, {@code
   * application}, {@code unknown}.
   */
  public String code() {
    return code;
  }

  /** A human title, e.g. {@code "container"} for L-3. */
  public String title() {
    return title;
  }

  /**
   * Parses a layer code.
   *
   * @param code one of the codes returned by {@link #code()}, case-insensitive; {@code L3} without
   *     the dash is accepted too
   * @return the layer
   * @throws IllegalArgumentException if the code names no layer
   */
  public static IsolationLayer fromCode(String code) {
    for (IsolationLayer layer : values()) {
      if (layer.code.equalsIgnoreCase(code) || layer.code.replace("-", "").equalsIgnoreCase(code)) {
        return layer;
      }
    }
    throw new IllegalArgumentException(
        "unknown isolation layer '" + code + "': expected L-0..L-4, host or application");
  }
}
