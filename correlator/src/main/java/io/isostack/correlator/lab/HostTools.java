package io.isostack.correlator.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What this machine offers for real faults: root, tracefs, tools on the PATH. Stateless. */
public final class HostTools {
  private HostTools() {}

  /**
   * What this machine lacks to induce a fault in the lab, or null when it has everything.
   *
   * @param fault the fault
   * @param samples the project's {@code samples} directory
   * @return what is missing and how to get it, one sentence; null when nothing is
   * @throws IOException if {@code /proc/self/status} cannot be read
   */
  public static String missingFor(Fault fault, Path samples) throws IOException {
    if (!isRoot()) {
      return "needs root (eBPF producers, cgroups, namespaces)";
    }
    if (!Files.isDirectory(Path.of("/sys/kernel/tracing/events/sched"))) {
      return "needs tracefs: mount -t tracefs nodev /sys/kernel/tracing";
    }
    if (!onPath("bpftrace")) {
      return "needs bpftrace: apt-get install bpftrace";
    }
    Path jar = samples.resolve("target").resolve("sample-app.jar");
    if (!Files.isRegularFile(jar)) {
      return "needs the sample services: mvn -q -DskipTests package (looked for " + jar + ")";
    }
    if (fault == Fault.RETRANSMIT && !(onPath("ip") && onPath("iptables"))) {
      return "the retransmit fault needs iproute2 and iptables (apt-get install iproute2 iptables)";
    }
    if (fault == Fault.SECCOMP && !hasPythonSeccomp()) {
      return "the seccomp fault needs python3 and libseccomp for it (apt-get install"
          + " python3-seccomp)";
    }
    if (fault == Fault.VIRTQUEUE && !onPath("fio")) {
      return "the virtqueue fault needs fio (apt-get install fio)";
    }
    if (fault == Fault.OOM
        && !(Files.isDirectory(Path.of("/sys/fs/cgroup/memory")) && onPath("unshare"))) {
      return "the oom fault needs the cgroup v1 memory controller at /sys/fs/cgroup/memory and"
          + " unshare (util-linux)";
    }
    return fault.missingTools();
  }

  /** Whether this process runs as root (uid 0), from {@code /proc/self/status}. */
  public static boolean isRoot() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return line.split("\\s+")[1].equals("0");
      }
    }
    return false;
  }

  /** Whether an executable of that name is on the PATH. */
  public static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasPythonSeccomp() throws IOException {
    if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
      return false;
    }
    try {
      return new ProcessBuilder("/usr/bin/python3", "-c", "import seccomp")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start()
              .waitFor()
          == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
