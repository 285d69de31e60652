package io.isostack.correlator.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The faults the lab induces on the sample backend, each on real kernel mechanisms of this machine,
 * and the verdict the correlator should give. Each fault has strength levels: level 0 is how it is
 * first induced, each next level makes it stronger, so that a busy machine (where a weak fault may
 * not slow the requests measurably) still gets requests slowed by the fault ({@link Induction}).
 *
 * <p>A constant either overrides {@link #prepare}, {@link #induce} and {@link #strength} in its
 * body, or is registered with its steps as a class of their own ({@link FaultSteps}: {@code
 * CRUN_THROTTLE(new CrunThrottle())}), to which those methods delegate.
 */
public enum Fault {
  /** A CFS quota on the backend's cgroup (v1 {@code cpu} controller): L-3 CPU throttling. */
  CPU_THROTTLE("L-3 container, CPU throttling") {
    /** Quota per 100 ms period, microseconds, by level: 10 %, 5 %, 2.5 %, 1 % of one CPU. */
    private static final int[] QUOTA_US = {10_000, 5_000, 2_500, 1_000};

    @Override
    public void prepare(FaultLab lab, FaultSetup s) throws IOException {
      if (s.containerId != null) {
        containerize(lab, s, "cpu");
      } else {
        cgroup(lab, CPU, s.cgroup);
      }
      s.producers.add(s.bpftrace("sched.bt", "1000"));
      s.producers.add(
          "bash "
              + s.ebpf.resolve("cgroup-sampler.sh")
              + " --cgroup /"
              + s.cgroup
              + " --host "
              + s.host
              + " --interval-ms 100");
    }

    @Override
    public void induce(FaultLab lab, FaultSetup s, Process backend, int level) throws IOException {
      Path cgroup = CPU.resolve(s.cgroup);
      Files.writeString(cgroup.resolve("cpu.cfs_period_us"), "100000");
      Files.writeString(cgroup.resolve("cpu.cfs_quota_us"), Integer.toString(QUOTA_US[level]));
      if (level == 0) {
        Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(backend.pid()));
      }
    }

    @Override
    public int levels() {
      return QUOTA_US.length;
    }

    @Override
    public String strength(int level) {
      return String.format(Locale.ROOT, "CFS quota %.1f ms per 100 ms", QUOTA_US[level] / 1000.0);
    }
  },

  /**
   * The backend in its own network namespace behind a veth pair, a share of its inbound segments
   * dropped on that veth ({@code iptables -m statistic}): the L-3 network slice, TCP retransmits.
   */
  RETRANSMIT("L-3 container network slice, TCP retransmits") {
    /** Drop probability by level. */
    private static final String[] DROP = {"0.3", "0.4", "0.5"};

    @Override
    public void prepare(FaultLab lab, FaultSetup s) throws IOException, InterruptedException {
      FaultLab.sh("ip", "netns", "add", s.netns);
      lab.onClose(() -> FaultLab.quietly("ip", "netns", "del", s.netns));
      FaultLab.sh("ip", "link", "add", s.vethHost, "type", "veth", "peer", "name", s.vethNs);
      lab.onClose(() -> FaultLab.quietly("ip", "link", "del", s.vethHost));
      FaultLab.sh("ip", "link", "set", s.vethNs, "netns", s.netns);
      FaultLab.sh("ip", "addr", "add", s.hostIp + "/24", "dev", s.vethHost);
      FaultLab.sh("ip", "link", "set", s.vethHost, "up");
      inNetns(s, "ip", "addr", "add", s.nsIp + "/24", "dev", s.vethNs);
      inNetns(s, "ip", "link", "set", s.vethNs, "up");
      inNetns(s, "ip", "link", "set", "lo", "up");
      // The correlator listens on the host end of the veth, so the backend in the namespace
      // reaches it; only addresses of the namespace made here are used.
      s.bind = s.hostIp;
      s.backendAddress = s.nsIp;
      s.backendPrefix.addAll(List.of("ip", "netns", "exec", s.netns));
      s.producers.add(s.bpftrace("tcp.bt"));
      s.producers.add(
          "bash " + s.ebpf.resolve("interfaces.sh") + " --host " + s.host + " --interval-s 2");
    }

    @Override
    public void induce(FaultLab lab, FaultSetup s, Process backend, int level)
        throws IOException, InterruptedException {
      List<String> rule =
          List.of(
              "-i",
              s.vethNs,
              "-p",
              "tcp",
              "--dport",
              Integer.toString(s.backendPort()),
              "-m",
              "statistic",
              "--mode",
              "random",
              "--probability",
              DROP[level],
              "-j",
              "DROP");
      List<String> cmd = new ArrayList<>(List.of("iptables"));
      cmd.addAll(level == 0 ? List.of("-I", "INPUT", "1") : List.of("-R", "INPUT", "1"));
      cmd.addAll(rule);
      inNetns(s, cmd.toArray(new String[0]));
      if (level == 0) {
        lab.onClose(
            () -> FaultLab.quietly("ip", "netns", "exec", s.netns, "iptables", "-D", "INPUT", "1"));
      }
    }

    @Override
    public int levels() {
      return DROP.length;
    }

    @Override
    public String strength(int level) {
      return "random drop of " + DROP[level] + " of the backend's inbound TCP segments";
    }
  },

  /**
   * Direct and synchronous writes saturating the disk the backend commits its journal to (with
   * {@code fdatasync} on every request): host, disk latency.
   */
  DISK("host, disk latency") {
    /** Storm writers by level: half stream direct 4 MiB writes, half commit 4 KiB dsync writes. */
    private static final int[] WRITERS = {4, 8, 16};

    @Override
    public void prepare(FaultLab lab, FaultSetup s) throws IOException, InterruptedException {
      String disk = diskOf(s.work);
      if (s.writeIopsCap > 0) {
        Path blkio = cgroup(lab, BLKIO, s.cgroup);
        String dev = Files.readString(Path.of("/sys/class/block", disk, "dev")).trim();
        Files.writeString(
            blkio.resolve("blkio.throttle.write_iops_device"), dev + " " + s.writeIopsCap);
        s.backendPrefix.addAll(List.of("sh", "-c", joinCgroup(blkio) + "exec \"$@\"", "sh"));
      }
      s.producers.add(s.bpftrace("sched.bt", "1000"));
      s.producers.add("bash " + s.ebpf.resolve("block.sh") + " " + disk + " " + s.host + " 1000");
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
    public void induce(FaultLab lab, FaultSetup s, Process backend, int level) throws IOException {
      for (int i = level == 0 ? 0 : WRITERS[level - 1]; i < WRITERS[level]; i++) {
        String flags = i % 2 == 0 ? "bs=4M count=64 oflag=direct" : "bs=4k count=256 oflag=dsync";
        String join = s.writeIopsCap > 0 ? joinCgroup(BLKIO.resolve(s.cgroup)) : "";
        lab.start(
            "storm-" + i,
            List.of(
                "sh",
                "-c",
                join
                    + "while :; do dd if=/dev/zero of="
                    + s.work.resolve("storm-" + i)
                    + " "
                    + flags
                    + " status=none; done"));
      }
    }

    @Override
    public int levels() {
      return WRITERS.length;
    }

    @Override
    public String strength(int level) {
      return WRITERS[level] + " dd writers on the backend's disk";
    }
  },

  /** Direct writes keeping the virtio-blk disk's virtqueue at its depth: {@link VirtqueueStorm}. */
  VIRTQUEUE(VirtqueueStorm.EXPECTED) {
    @Override
    public void prepare(FaultLab lab, FaultSetup s) throws IOException, InterruptedException {
      VirtqueueStorm.prepare(s);
    }

    @Override
    public void induce(FaultLab lab, FaultSetup s, Process backend, int level)
        throws IOException, InterruptedException {
      VirtqueueStorm.induce(lab, s, level);
    }

    @Override
    public int levels() {
      return VirtqueueStorm.levels();
    }

    @Override
    public String strength(int level) {
      return VirtqueueStorm.strength(level);
    }
  },

  /** The backend under a seccomp filter denying {@code mkdir}: L-3 ({@link SeccompDenial}). */
  SECCOMP(new SeccompDenial()),

  /**
   * The backend as a docker-style container (its own pid namespace, cgroup {@code
   * /system.slice/docker-<id>.scope}) whose worker process, which leaks memory on every request
   * until its cache is flushed, runs under a memory limit (cgroup v1 {@code memory}) and is
   * OOM-killed; the backend restarts it and retries: L-3, OOM kill.
   */
  OOM("L-3 container, OOM kill") {
    /** The worker's memory limit by level, MiB; it leaks 8 MiB per request up to 96 MiB. */
    private static final int[] LIMIT_MB = {64, 48, 32};

    @Override
    public void prepare(FaultLab lab, FaultSetup s) throws IOException {
      if (s.containerId == null) {
        s.asContainer(newContainerId());
      }
      containerize(lab, s, "cpu", "memory");
      Path worker = cgroup(lab, MEMORY, s.cgroup + "/worker");
      s.backendArgs.addAll(
          List.of(
              "--worker",
              joinCgroup(worker)
                  + "exec /usr/bin/python3 "
                  + s.ebpf.resolveSibling("faults").resolve("leaky-worker.py")
                  + " 96",
              "--worker-mb",
              "8",
              // A tenth of the default CPU work: the request's time is the worker's, not hashing.
              "--work-iterations",
              "4000"));
      s.producers.add(s.bpftrace("oom.bt"));
      s.producers.add(s.bpftrace("sched.bt", "1000"));
      s.producers.add(
          "bash "
              + s.ebpf.resolve("cgroup-sampler.sh")
              + " --cgroup "
              + s.cgroupPath()
              + " --host "
              + s.host
              + " --interval-ms 100");
    }

    @Override
    public void induce(FaultLab lab, FaultSetup s, Process backend, int level) {
      // A v1 limit below the cgroup's usage is refused (EBUSY) when the kernel cannot reclaim
      // enough (the worker's cache is anonymous memory): keep trying in the background, while the
      // load goes on, until the worker's cache was flushed (every 12 requests).
      Path limit = MEMORY.resolve(s.cgroup).resolve("worker").resolve("memory.limit_in_bytes");
      String bytes = Long.toString((long) LIMIT_MB[level] << 20);
      Thread t =
          new Thread(
              () -> {
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (System.nanoTime() < deadline) {
                  try {
                    Files.writeString(limit, bytes);
                    return;
                  } catch (IOException e) {
                    try {
                      Thread.sleep(10);
                    } catch (InterruptedException ie) {
                      return;
                    }
                  }
                }
              },
              "oom-limit");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public int levels() {
      return LIMIT_MB.length;
    }

    @Override
    public String strength(int level) {
      return "worker memory limit " + LIMIT_MB[level] + " MiB";
    }
  },

  /** The backend as a crun container, a CFS quota on crun's cgroup: L-3 ({@link CrunThrottle}). */
  CRUN_THROTTLE(new CrunThrottle()),

  /** The backend in a gVisor sandbox, a syscall-heavy handler: L-4 ({@link GvisorSyscalls}). */
  GVISOR_SYSCALLS(new GvisorSyscalls()),

  /** No fault: no kernel layer should be blamed. */
  NONE("no kernel layer") {
    @Override
    public void prepare(FaultLab lab, FaultSetup s) {
      s.producers.add(s.bpftrace("sched.bt", "1000"));
    }

    @Override
    public void induce(FaultLab lab, FaultSetup s, Process backend, int level) {}

    @Override
    public boolean slowsRequests() {
      return false;
    }

    @Override
    public String strength(int level) {
      return "no fault";
    }
  };

  private static final Path CPU = Path.of("/sys/fs/cgroup/cpu");
  private static final Path MEMORY = Path.of("/sys/fs/cgroup/memory");
  private static final Path BLKIO = Path.of("/sys/fs/cgroup/blkio");

  private final String expected;
  private final FaultSteps steps;

  Fault(String expected) {
    this.expected = expected;
    this.steps = null;
  }

  /** A fault whose steps are a class of their own; its methods delegate to them. */
  Fault(FaultSteps steps) {
    this.expected = steps.expected();
    this.steps = steps;
  }

  /** The verdict this fault should get, in words. */
  public String expected() {
    return expected;
  }

  /** The command-line name: {@code cpu-throttle}, {@code retransmit}... */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Creates what the fault needs before the correlator and the services start, and picks its
   * producers, into the set-up. What it creates is undone when the lab closes.
   *
   * @throws IOException if something cannot be created (the message names the command or file)
   * @throws InterruptedException if interrupted while a command runs
   */
  public void prepare(FaultLab lab, FaultSetup s) throws IOException, InterruptedException {
    steps.prepare(lab, s);
  }

  /**
   * Induces the fault on the running backend at a strength level: level 0 first, then each next
   * level strengthens what the previous one induced.
   *
   * @param level 0 to {@link #levels()} - 1
   * @throws IOException if it cannot be induced (the message names the command or file)
   * @throws InterruptedException if interrupted while a command runs
   * @throws ArrayIndexOutOfBoundsException if the level does not exist
   */
  public void induce(FaultLab lab, FaultSetup s, Process backend, int level)
      throws IOException, InterruptedException {
    steps.induce(lab, s, backend, level);
  }

  /** How many strength levels the fault has; 1 when its strength is fixed. */
  public int levels() {
    return steps == null ? 1 : steps.levels();
  }

  /** The strength of a level, in words ("CFS quota 5.0 ms per 100 ms"). */
  public String strength(int level) {
    return steps.strength(level);
  }

  /**
   * Whether the fault is in place from the backend's start (there is no fault-free baseline of the
   * same services to compare the requests with).
   */
  public boolean presentFromStart() {
    return steps != null && steps.presentFromStart();
  }

  /**
   * What this machine lacks for this fault besides the lab's basics (root, tracefs, bpftrace, the
   * sample services: {@link HostTools#missingFor}), or null.
   */
  String missingTools() {
    return steps == null ? null : steps.missing();
  }

  /**
   * Whether the fault runs the backend in an OCI container (its launcher, {@link
   * FaultSetup#backendLauncher()}), where JVM options such as the Java agent cannot reach it.
   */
  public boolean inOciContainer() {
    return steps != null && steps.inOciContainer();
  }

  /** Whether the fault slows requests at all ({@link #NONE} does not). */
  public boolean slowsRequests() {
    return true;
  }

  private static void inNetns(FaultSetup s, String... command)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", s.netns));
    cmd.addAll(List.of(command));
    FaultLab.sh(cmd.toArray(new String[0]));
  }

  /**
   * Creates a cgroup (v1) under a controller's root, each missing element of its path, and removes
   * what it created at close, last first, each once its processes have left (at most 15 s).
   */
  static Path cgroup(FaultLab lab, Path controller, String path) throws IOException {
    Path dir = controller;
    for (String element : path.split("/")) {
      dir = dir.resolve(element);
      if (!Files.isDirectory(dir)) {
        Files.createDirectory(dir);
        Path created = dir;
        lab.onClose(() -> removeCgroup(created));
      }
    }
    return dir;
  }

  private static void removeCgroup(Path dir) throws Exception {
    if (Files.isDirectory(dir)) {
      FaultLab.await(
          java.time.Duration.ofSeconds(15),
          () -> Files.readString(dir.resolve("cgroup.procs")).isBlank());
      Files.deleteIfExists(dir);
    }
  }

  /** A shell command moving the shell into a cgroup: {@code echo $$ > DIR/cgroup.procs && }. */
  static String joinCgroup(Path dir) {
    return "echo $$ > " + dir.resolve("cgroup.procs") + " && ";
  }

  /**
   * Runs the backend as a docker-style container: creates its cgroup in each controller, and
   * prefixes its command with a shell that joins them and execs {@code unshare --pid --fork
   * --mount-proc}, so that the backend is pid 1 of its own pid namespace and {@code
   * /proc/self/cgroup} names the container.
   */
  static void containerize(FaultLab lab, FaultSetup s, String... controllers) throws IOException {
    StringBuilder join = new StringBuilder();
    for (String c : controllers) {
      join.append(joinCgroup(cgroup(lab, Path.of("/sys/fs/cgroup", c), s.cgroup)));
    }
    s.backendPrefix.addAll(
        List.of(
            "sh",
            "-c",
            join + "exec \"$@\"",
            "sh",
            "unshare",
            "--pid",
            "--fork",
            "--mount-proc",
            "--kill-child=SIGTERM"));
  }

  /** A new container id: 64 random hex digits, as Docker makes them. */
  static String newContainerId() {
    byte[] b = new byte[32];
    new java.security.SecureRandom().nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }

  /** The whole disk (e.g. {@code vda}) a directory lives on, from findmnt and sysfs. */
  static String diskOf(Path dir) throws IOException, InterruptedException {
    String source = FaultLab.sh("findmnt", "-n", "-o", "SOURCE", "--target", dir.toString()).trim();
    String dev = Path.of(source).getFileName().toString();
    Path sys = Path.of("/sys/class/block", dev);
    if (Files.exists(sys.resolve("partition"))) {
      return sys.toRealPath().getParent().getFileName().toString();
    }
    return dev;
  }
}
