package io.isostack.correlator.report;

import java.util.Map;

/** Human titles of the default rule table's cause codes, for text and HTML reports. */
final class CauseTitles {
  private static final Map<String, String> TITLES =
      Map.ofEntries(
          Map.entry("cpu-throttle", "CPU throttling"),
          Map.entry("runqueue-latency", "run-queue latency"),
          Map.entry("oom-kill", "OOM kill"),
          Map.entry("seccomp-denied", "seccomp denial"),
          Map.entry("seccomp-latency", "seccomp filter latency"),
          Map.entry("sandbox-syscall-latency", "syscall slow path in the sandbox"),
          Map.entry("virtio-queue-full", "virtqueue full"),
          Map.entry("queue-full", "device queue full"),
          Map.entry("xdp-drop", "XDP drops"),
          Map.entry("packet-drop", "packet drops"),
          Map.entry("conntrack-insert-failed", "conntrack insert failures"),
          Map.entry("softirq-latency", "NET_RX softirq delay"),
          Map.entry("tcp-retransmit", "TCP retransmits"),
          Map.entry("tcp-rtt", "RTT increase"),
          Map.entry("tcp-connect-latency", "slow TCP connect"),
          Map.entry("disk-latency", "disk latency"),
          Map.entry("ept-fault", "EPT/NPT faults"),
          Map.entry("vm-exit", "VM exits"),
          Map.entry("application", "time in the application"));

  private CauseTitles() {}

  static String title(String cause) {
    return TITLES.getOrDefault(cause, cause);
  }
}
