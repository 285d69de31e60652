package io.isostack.correlator.join;

import io.isostack.model.IsolationLayer;
import java.util.Locale;

/**
 * The kind of network or block device an event happened on, and the isolation layer whose network
 * slice it belongs to (docs/METHOD.md §2, second table).
 */
public enum DeviceKind {
  /** SR-IOV virtual function or SmartNIC: the L-0 network slice. */
  SRIOV(IsolationLayer.L0),
  /** vNIC, tap, bridge or vSwitch of a full-virtualization host: the L-1 slice. */
  VNIC(IsolationLayer.L1),
  /** virtio-net/vhost-net, virtio-blk: the L-2 slice. */
  VIRTIO(IsolationLayer.L2),
  /** veth, CNI interfaces: the L-3 slice. */
  VETH(IsolationLayer.L3),
  /** A sandbox's user-space netstack (gVisor), WASI sockets: the L-4 slice. */
  SANDBOX_NETSTACK(IsolationLayer.L4),
  /** The loopback device. */
  LOOPBACK(IsolationLayer.L3),
  /** A device whose kind is not known. */
  UNKNOWN(IsolationLayer.L3);

  private final IsolationLayer layer;

  DeviceKind(IsolationLayer layer) {
    this.layer = layer;
  }

  /**
   * The layer whose network slice this device is in. Loopback and unknown devices fall back to L-3,
   * the most common slice in container deployments; findings that rely on it say so.
   */
  public IsolationLayer layer() {
    return layer;
  }

  /**
   * Classifies a device by its driver (from {@code net.interface} records, ethtool's {@code
   * driver:}) or, failing that, its name.
   *
   * @param dev device name such as {@code eth0}, {@code veth1a2b}, {@code vda}; may be null
   * @param driver driver name such as {@code virtio_net}, {@code veth}; may be null
   */
  public static DeviceKind classify(String dev, String driver) {
    if (driver != null) {
      String d = driver.toLowerCase(Locale.ROOT);
      if (d.startsWith("virtio") || d.startsWith("vhost")) {
        return VIRTIO;
      }
      if (d.equals("veth") || d.equals("netkit")) {
        return VETH;
      }
      if (d.equals("tun")
          || d.equals("tap")
          || d.equals("bridge")
          || d.equals("openvswitch")
          || d.equals("vmxnet3")
          || d.startsWith("e1000")
          || d.equals("vif")
          || d.equals("hv_netvsc")) {
        return VNIC;
      }
      if (d.endsWith("vf") || d.contains("sriov")) {
        return SRIOV;
      }
      if (d.equals("netstack") || d.equals("gvisor")) {
        return SANDBOX_NETSTACK;
      }
      if (d.equals("loopback")) {
        return LOOPBACK;
      }
    }
    if (dev == null) {
      return UNKNOWN;
    }
    String n = dev.toLowerCase(Locale.ROOT);
    if (n.equals("lo")) {
      return LOOPBACK;
    }
    if (n.startsWith("veth")
        || n.startsWith("cali")
        || n.startsWith("lxc")
        || n.startsWith("cni")
        || n.startsWith("flannel")
        || n.startsWith("cilium")) {
      return VETH;
    }
    if (n.startsWith("vd") || n.startsWith("virtio")) {
      return VIRTIO;
    }
    if (n.startsWith("tap")
        || n.startsWith("vnet")
        || n.startsWith("virbr")
        || n.startsWith("ovs")) {
      return VNIC;
    }
    return UNKNOWN;
  }
}
