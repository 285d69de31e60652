package io.isostack.correlator.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The faults the workshop command induces on the sample backend, each on real kernel mechanisms of
 * this machine, and the verdict the correlator should give.
 */
public enum Fault {
  /** A 10 % CFS quota on the backend's cgroup (v1 {@code cpu} controller): L-3 CPU throttling. */
  CPU_THROTTLE("L-3 container, CPU throttling") {
    @Override
    void prepare(DemoLab lab, Setup s) throws IOException {
      Path cgroup = Files.createDirectories(CPU.resolve(cgroupName()));
      lab.onClose(() -> Files.deleteIfExists(cgroup));
      s.producers.add(s.bpftrace("sched.bt", "1000"));
      s.producers.add(
          "bash "
              + s.ebpf.resolve("cgroup-sampler.sh")
              + " --cgroup /"
              + cgroupName()
              + " --host "
              + s.host
              + " --interval-ms 100");
    }

    @Override
    void induce(DemoLab lab, Setup s, Process backend) throws IOException {
      Path cgroup = CPU.resolve(cgroupName());
      Files.writeString(cgroup.resolve("cpu.cfs_period_us"), "100000");
      Files.writeString(cgroup.resolve("cpu.cfs_quota_us"), "10000");
      Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(backend.pid()));
    }
  },

  /**
   * The backend in its own network namespace behind a veth pair, 30 % of its inbound segments
   * dropped on that veth: the L-3 network slice, TCP retransmits.
   */
  RETRANSMIT("L-3 container network slice, TCP retransmits") {
    @Override
    void prepare(DemoLab lab, Setup s) throws IOException, InterruptedException {
      DemoLab.sh("ip", "netns", "add", NETNS);
      lab.onClose(() -> DemoLab.quietly("ip", "netns", "del", NETNS));
      DemoLab.sh("ip", "link", "add", VETH_HOST, "type", "veth", "peer", "name", VETH_NS);
      lab.onClose(() -> DemoLab.quietly("ip", "link", "del", VETH_HOST));
      DemoLab.sh("ip", "link", "set", VETH_NS, "netns", NETNS);
      DemoLab.sh("ip", "addr", "add", HOST_IP + "/24", "dev", VETH_HOST);
      DemoLab.sh("ip", "link", "set", VETH_HOST, "up");
      DemoLab.sh("ip", "netns", "exec", NETNS, "ip", "addr", "add", NS_IP + "/24", "dev", VETH_NS);
      DemoLab.sh("ip", "netns", "exec", NETNS, "ip", "link", "set", VETH_NS, "up");
      DemoLab.sh("ip", "netns", "exec", NETNS, "ip", "link", "set", "lo", "up");
      s.bind = HOST_IP;
      s.backendAddress = NS_IP;
      s.backendPrefix.addAll(List.of("ip", "netns", "exec", NETNS));
      s.producers.add(s.bpftrace("tcp.bt"));
      s.producers.add(
          "bash " + s.ebpf.resolve("interfaces.sh") + " --host " + s.host + " --interval-s 2");
    }

    @Override
    void induce(DemoLab lab, Setup s, Process backend) throws IOException, InterruptedException {
      String[] rule = {
        "INPUT",
        "-i",
        VETH_NS,
        "-p",
        "tcp",
        "--dport",
        Integer.toString(BACKEND_PORT),
        "-m",
        "statistic",
        "--mode",
        "random",
        "--probability",
        "0.3",
        "-j",
        "DROP"
      };
      DemoLab.sh(concat(new String[] {"ip", "netns", "exec", NETNS, "iptables", "-I"}, rule));
      lab.onClose(
          () ->
              DemoLab.quietly(
                  concat(new String[] {"ip", "netns", "exec", NETNS, "iptables", "-D"}, rule)));
    }
  },

  /**
   * A synchronous-write storm saturating the disk the backend commits its journal to: host, disk
   * latency.
   */
  DISK("host, disk latency") {
    @Override
    void prepare(DemoLab lab, Setup s) throws IOException, InterruptedException {
      s.producers.add(s.bpftrace("sched.bt", "1000"));
      s.producers.add(
          "bash " + s.ebpf.resolve("block.sh") + " " + diskOf(s.work) + " " + s.host + " 1000");
      s.backendArgs.addAll(
          List.of(
              "--sync-write-bytes",
              "16384",
              "--sync-writes",
              "16",
              "--write-dir",
              s.work.toString()));
    }

    @Override
    void induce(DemoLab lab, Setup s, Process backend) throws IOException {
      for (int i = 0; i < 4; i++) {
        String flags = i < 2 ? "bs=4M count=64 oflag=direct" : "bs=4k count=256 oflag=dsync";
        lab.start(
            "storm-" + i,
            List.of(
                "sh",
                "-c",
                "while :; do dd if=/dev/zero of="
                    + s.work.resolve("storm-" + i)
                    + " "
                    + flags
                    + " status=none; done"));
      }
    }
  },

  /**
   * The backend started under a seccomp filter (libseccomp) denying {@code mkdir}, which it calls
   * on every request and retries: L-3, seccomp denial.
   */
  SECCOMP("L-3 container, seccomp denial") {
    @Override
    void prepare(DemoLab lab, Setup s) throws IOException {
      Path audit = Files.createDirectories(s.work.resolve("audit"));
      s.producers.add(s.bpftrace("syscalls.bt"));
      s.producers.add(s.bpftrace("sched.bt", "1000"));
      s.backendPrefix.addAll(
          List.of(
              "/usr/bin/python3",
              s.ebpf.resolveSibling("faults").resolve("seccomp-exec.py").toString(),
              "mkdir,mkdirat"));
      s.backendArgs.addAll(List.of("--audit-dir", audit.toString()));
    }

    @Override
    void induce(DemoLab lab, Setup s, Process backend) {
      // The filter is in place from the backend's start.
    }
  },

  /** No fault: no kernel layer should be blamed. */
  NONE("no kernel layer") {
    @Override
    void prepare(DemoLab lab, Setup s) {
      s.producers.add(s.bpftrace("sched.bt", "1000"));
    }

    @Override
    void induce(DemoLab lab, Setup s, Process backend) {}
  };

  static final int BACKEND_PORT = 18981;
  static final int FRONTEND_PORT = 18980;
  private static final Path CPU = Path.of("/sys/fs/cgroup/cpu");
  private static final String NETNS = "isodemo";
  private static final String VETH_HOST = "isodemo0a";
  private static final String VETH_NS = "isodemo0b";
  private static final String HOST_IP = "10.203.0.1";
  private static final String NS_IP = "10.203.0.2";

  private final String expected;

  Fault(String expected) {
    this.expected = expected;
  }

  /** The verdict this fault should get, in words. */
  public String expected() {
    return expected;
  }

  /** The command-line name: {@code cpu-throttle}, {@code retransmit}... */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Creates what the fault needs before the services start and picks its producers. */
  abstract void prepare(DemoLab lab, Setup s) throws IOException, InterruptedException;

  /** Induces the fault on the running backend. */
  abstract void induce(DemoLab lab, Setup s, Process backend)
      throws IOException, InterruptedException;

  private static String cgroupName() {
    return "isostack-demo-" + ProcessHandle.current().pid();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** The whole disk (e.g. {@code vda}) a directory lives on, from findmnt and sysfs. */
  static String diskOf(Path dir) throws IOException, InterruptedException {
    String source = DemoLab.sh("findmnt", "-n", "-o", "SOURCE", "--target", dir.toString()).trim();
    String dev = Path.of(source).getFileName().toString();
    Path sys = Path.of("/sys/class/block", dev);
    if (Files.exists(sys.resolve("partition"))) {
      return sys.toRealPath().getParent().getFileName().toString();
    }
    return dev;
  }
}
