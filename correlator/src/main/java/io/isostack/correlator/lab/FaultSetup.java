package io.isostack.correlator.lab;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a fault decides about a lab run before it starts: where the correlator listens, which eBPF
 * producers feed it, where the backend listens and how it is launched, and the names of the cgroup,
 * network namespace and veth pair it may create, and the files the correlator follows. Filled by
 * {@link Fault#prepare}; the lists returned are read-only views. Not thread-safe.
 */
public final class FaultSetup {
  /** The shipped eBPF producers ({@code samples/ebpf}). */
  final Path ebpf;

  /** The {@code host.name} of spans and events. */
  final String host;

  /** A directory for the backend's files and the fault's, on the machine's disk. */
  final Path work;

  /**
   * The cgroup (v1 controllers) a CPU, memory or disk fault creates, without the leading slash:
   * {@code isostack-<tag>-<pid>}, or {@code system.slice/docker-<64 hex>.scope} once {@link
   * #asContainer} was called.
   */
  String cgroup;

  /** The container id when the backend runs as a container ({@link #asContainer}), else null. */
  String containerId;

  /** A cap on the write IOPS of the disk the backend and a disk storm share, 0 for none. */
  int writeIopsCap;

  /** The network namespace a network fault creates, and its veth pair's ends and addresses. */
  final String netns;

  final String vethHost;
  final String vethNs;
  final String hostIp;
  final String nsIp;

  private final int backendPort;

  /** Address the correlator's receivers bind to. */
  String bind = "127.0.0.1";

  /** Address the backend listens on. */
  String backendAddress = "127.0.0.1";

  /** Commands run as producers by the correlator. */
  final List<String> producers = new ArrayList<>();

  /** What the backend's java command is prefixed with (a netns, a seccomp launcher). */
  final List<String> backendPrefix = new ArrayList<>();

  /** The backend's extra options. */
  final List<String> backendArgs = new ArrayList<>();

  /**
   * The command that runs the backend in a container ({@code samples/oci/run-backend.sh ...}), its
   * options passed as {@code --backend-arg} each; empty for the backend's own {@code java} command.
   */
  final List<String> backendLauncher = new ArrayList<>();

  /** Kernel-event files or directories the correlator follows, as {@code --events} values. */
  final List<String> events = new ArrayList<>();

  private FaultSetup(Path ebpf, String host, Path work, String tag, int net, int backendPort) {
    long pid = ProcessHandle.current().pid();
    long id = pid % 200 + 20;
    this.ebpf = ebpf;
    this.host = host;
    this.work = work;
    this.cgroup = "isostack-" + tag + "-" + pid;
    this.netns = "iso" + tag + id;
    this.vethHost = "iso" + tag.charAt(0) + id + "a";
    this.vethNs = "iso" + tag.charAt(0) + id + "b";
    this.hostIp = "10." + net + "." + id + ".1";
    this.nsIp = "10." + net + "." + id + ".2";
    this.backendPort = backendPort;
  }

  /**
   * A set-up for one run in the lab, with a work directory under the lab's logs that is removed at
   * close.
   *
   * @param lab the lab
   * @param host the {@code host.name} of the services and producers
   * @param tag names what the faults create: cgroup {@code isostack-<tag>-<pid>}, network namespace
   *     {@code iso<tag><n>} (n from this process's pid), short enough for interface names
   * @param net the second octet of the 10.x.n.0/24 network a network fault creates (0..255)
   * @param backendPort the backend's port; the frontend listens on the port below it
   * @throws IOException if the work directory cannot be created
   * @throws IllegalArgumentException if {@code tag} is empty or longer than 8 characters, or {@code
   *     net} is not an octet
   */
  public static FaultSetup create(FaultLab lab, String host, String tag, int net, int backendPort)
      throws IOException {
    if (tag.isEmpty() || tag.length() > 8) {
      throw new IllegalArgumentException("tag must have 1 to 8 characters: " + tag);
    }
    if (net < 0 || net > 255) {
      throw new IllegalArgumentException("net must be an octet: " + net);
    }
    Path work = Files.createDirectories(lab.logs().resolve("work"));
    lab.onClose(() -> FaultLab.deleteTree(work));
    return new FaultSetup(lab.ebpf(), host, work, tag, net, backendPort);
  }

  /**
   * Makes the backend a docker-style container, for the faults that support it ({@link
   * Fault#CPU_THROTTLE}, {@link Fault#OOM}, which always is one): its cgroup becomes {@code
   * /system.slice/docker-<id>.scope} and it runs in its own pid namespace, where it is pid 1. Call
   * before {@link Fault#prepare}.
   *
   * @param id the container id, 64 lower-case hex digits
   * @return this set-up
   * @throws IllegalArgumentException if the id is not 64 hex digits
   */
  public FaultSetup asContainer(String id) {
    if (!id.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("container id must be 64 lower-case hex digits: " + id);
    }
    this.containerId = id;
    this.cgroup = "system.slice/docker-" + id + ".scope";
    return this;
  }

  /**
   * Caps the write IOPS of the disk the backend and a {@link Fault#DISK} storm share (cgroup v1
   * {@code blkio.throttle.write_iops_device} on a cgroup holding both), as a cloud disk's
   * provisioned IOPS do. Call before {@link Fault#prepare}.
   *
   * @param iops writes per second, > 0
   * @return this set-up
   * @throws IllegalArgumentException if iops is not positive
   */
  public FaultSetup withWriteIopsCap(int iops) {
    if (iops <= 0) {
      throw new IllegalArgumentException("iops must be positive: " + iops);
    }
    this.writeIopsCap = iops;
    return this;
  }

  /** The cgroup path the faults create, with its leading slash. */
  public String cgroupPath() {
    return "/" + cgroup;
  }

  /** The backend's container id, or null when it is not a container. */
  public String containerId() {
    return containerId;
  }

  /** The work directory (the backend's journal, the storm's files). */
  public Path work() {
    return work;
  }

  /** The network namespace a network fault creates and the backend's address in it. */
  public String netns() {
    return netns;
  }

  /** The {@code host.name} of spans and events. */
  public String host() {
    return host;
  }

  /** Address the correlator's receivers must bind to (the backend must reach them). */
  public String bind() {
    return bind;
  }

  /** Address the backend listens on. */
  public String backendAddress() {
    return backendAddress;
  }

  /** The backend's port. */
  public int backendPort() {
    return backendPort;
  }

  /** The frontend's port: the one below the backend's. */
  public int frontendPort() {
    return backendPort - 1;
  }

  /** The frontend's {@code GET /checkout}, which calls the backend's {@code GET /pay}. */
  public URI checkout() {
    return URI.create("http://127.0.0.1:" + frontendPort() + "/checkout");
  }

  /** The producer commands the correlator must run, as {@code --producer} values. */
  public List<String> producers() {
    return Collections.unmodifiableList(producers);
  }

  /** What the backend's java command must be prefixed with; may be empty. */
  public List<String> backendPrefix() {
    return Collections.unmodifiableList(backendPrefix);
  }

  /** The backend's extra options (its journal, its audit directory); may be empty. */
  public List<String> backendArgs() {
    return Collections.unmodifiableList(backendArgs);
  }

  /**
   * The command that launches the backend in a container, or an empty list when the backend runs as
   * its own {@code java} command.
   */
  public List<String> backendLauncher() {
    return Collections.unmodifiableList(backendLauncher);
  }

  /**
   * The kernel-event inputs the correlator must follow, as {@code --events} values ({@code
   * runsc:DIR/}); may be empty.
   */
  public List<String> events() {
    return Collections.unmodifiableList(events);
  }

  /** The command line of a shipped bpftrace script with its parameters. */
  String bpftrace(String script, String... params) {
    return "bpftrace -q -f json "
        + ebpf.resolve(script)
        + " "
        + host
        + (params.length == 0 ? "" : " " + String.join(" ", params));
  }
}
