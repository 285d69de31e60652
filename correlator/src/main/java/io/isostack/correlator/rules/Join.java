package io.isostack.correlator.rules;

/** How an event must be joined to a slow hop for a rule to use it (docs/METHOD.md §5). */
public enum Join {
  /** Only through the hop's own entity: process, cgroup, container, pod or 5-tuple. */
  ENTITY,
  /**
   * A host-level event (a block device, a hypervisor exit): it also joins when many hops on the
   * host are slow at once.
   */
  HOST,
  /**
   * A network-device event: it also joins any hop on the host whose socket is known, and, like
   * {@link #HOST}, when many hops on the host are slow at once.
   */
  HOST_NETWORK,
  /**
   * An event about the virtual machine the hop's host is (its vCPUs' exits and EPT faults seen on
   * the hypervisor and put on the guest's host, the guest's steal time): it joins every hop on that
   * host, since every task of the guest runs on those vCPUs. With several vCPUs this is the VM, not
   * the hop's own vCPU: which vCPU ran the hop's thread is not known from the hypervisor.
   */
  VM
}
