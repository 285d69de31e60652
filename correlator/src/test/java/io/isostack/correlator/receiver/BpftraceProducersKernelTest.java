package io.isostack.correlator.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.KernelEventReader;
import io.isostack.codec.Rejection;
import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The tracepoint producers {@code samples/ebpf/tcp.bt}, {@code block.bt}, {@code syscalls.bt} and
 * {@code oom.bt} run for real against real kernel behaviour: a lossy TCP flow into a network
 * namespace, synchronous writes, denied syscalls and a memory-cgroup OOM kill. The scenarios are
 * the shell scripts in {@code src/test/resources/producers/}; each removes what it creates (netns,
 * veth, iptables rules inside the netns, cgroup, files) on exit, and {@link #cleanUp} repeats that
 * in case a script was killed. Needs root, tracefs, bpftrace, iproute2, iptables (nft) and python3;
 * skips with the reason elsewhere.
 */
@Tag("kernel")
class BpftraceProducersKernelTest {
  private static final Path EBPF = Path.of("..", "samples", "ebpf");
  private static final Path MEMORY_CGROUPS = Path.of("/sys/fs/cgroup/memory");
  private static final String HOST = "kernel-test";

  private final List<Process> started = new ArrayList<>();
  private final List<Path> files = new ArrayList<>();
  private int id = -1;

  @BeforeEach
  void requireKernelTooling() throws Exception {
    assumeTrue(isRoot(), "needs root (run by CI on the project's machine)");
    assumeTrue(
        Files.isDirectory(Path.of("/sys/kernel/tracing/events/syscalls")),
        "needs tracefs mounted at /sys/kernel/tracing (.ci/run mounts it)");
    assumeTrue(onPath("bpftrace"), "needs bpftrace (apt-get install bpftrace)");
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : started) {
      if (p.isAlive()) {
        signal("TERM", p.pid()); // scenario scripts clean up in their trap
        p.waitFor(5, TimeUnit.SECONDS);
      }
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (id >= 0) {
      run("ip", "link", "del", "ist" + id + "h");
      run("ip", "netns", "del", "isotest-" + id);
      Path cg = MEMORY_CGROUPS.resolve("isotest-" + id);
      if (Files.isDirectory(cg)) {
        for (String pid : Files.readAllLines(cg.resolve("cgroup.procs"))) {
          run("kill", "-9", pid.trim());
        }
        for (int i = 0; i < 50 && Files.isDirectory(cg); i++) {
          run("rmdir", cg.toString());
          Thread.sleep(100);
        }
      }
      Files.deleteIfExists(Path.of("/tmp/isotest-" + id + "-secret"));
    }
    for (Path f : files) {
      Files.deleteIfExists(f);
    }
  }

  @Test
  void tcpBtShowsRetransmitsRttConnectLatencyAndLifetimeOfALossyFlow() throws Exception {
    requireTools("ip", "iptables", "python3");
    id = newId(1);
    int port = 18099;
    Producer tcp = startProducer("tcp.bt", "0", "0", Integer.toString(port));

    String out = scenario("tcp-lossy-flow.sh", Integer.toString(id), Integer.toString(port));
    String[] flow = lineStartingWith(out, "FLOW ").split(" ");
    FlowKey key =
        new FlowKey(
            new Endpoint(flow[1], Integer.parseInt(flow[2])),
            new Endpoint(flow[3], Integer.parseInt(flow[4])),
            "tcp");
    int clientPid = Integer.parseInt(flow[5]);

    List<KernelEvent> events = tcp.stopAndRead();
    List<KernelEvent> ours = events.stream().filter(e -> key.equals(e.flow())).toList();
    assertThat(ours)
        .filteredOn(e -> e.name() == EventName.TCP_RETRANSMIT)
        .as("the client retransmitted segments the netns dropped, %s", key)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.source()).isEqualTo("bpftrace:tcp.bt"))
        .anySatisfy(e -> assertThat(e.attr("state")).isEqualTo("ESTABLISHED"));
    assertThat(ours)
        .filteredOn(e -> e.name() == EventName.TCP_RTT)
        .as("smoothed RTT samples of the client socket")
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.unit()).isEqualTo("us");
              assertThat(e.value()).isBetween(1.0, 1_000_000.0);
            });
    assertThat(ours)
        .filteredOn(e -> e.name() == EventName.TCP_CONNECT_LATENCY)
        .as("SYN_SENT -> ESTABLISHED of the client socket")
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.pid()).isEqualTo(clientPid);
              assertThat(e.comm()).isEqualTo("python3");
              assertThat(e.durNanos()).isBetween(1L, 5_000_000_000L);
            });
    assertThat(ours)
        .filteredOn(e -> e.name() == EventName.TCP_LIFETIME)
        .as("the client socket's life, opened by the client")
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.pid()).isEqualTo(clientPid);
              assertThat(e.attr("pid_from")).isEqualTo("connect");
              assertThat(Long.parseLong(e.attr("tx_bytes"))).isGreaterThanOrEqualTo(40_000L);
              assertThat(e.durNanos()).isPositive();
            });
    assertThat(events)
        .filteredOn(e -> e.name() == EventName.TCP_LIFETIME && key.reversed().equals(e.flow()))
        .as("the server socket's life in the netns: %s bytes received", 40_000)
        .singleElement()
        .satisfies(
            e -> assertThat(Long.parseLong(e.attr("rx_bytes"))).isGreaterThanOrEqualTo(40_000L));
  }

  @Test
  void blockBtShowsSynchronousWritesWithTheDiskName() throws Exception {
    Path file = Files.createTempFile(Path.of("target"), "isotest-block-", ".dat");
    files.add(file);
    long dev = (Long) Files.getAttribute(file, "unix:dev");
    long major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffL);
    long minor = (dev & 0xff) | ((dev >> 12) & ~0xffL);
    Path sys = Path.of("/sys/dev/block/" + major + ":" + minor);
    assumeTrue(Files.isDirectory(sys), "target/ is not on a block device (" + sys + ")");
    sys = sys.toRealPath();
    if (Files.exists(sys.resolve("partition"))) {
      sys = sys.getParent(); // requests are issued on the whole disk
    }
    assumeTrue(
        !Files.exists(sys.resolve("dm")), "target/ is on device-mapper (no requests of its own)");
    String[] majMin = Files.readString(sys.resolve("dev")).trim().split(":");
    String name = sys.getFileName().toString();

    Producer block = startProducer("block.bt", "0", majMin[0], majMin[1], name);
    Process dd =
        new ProcessBuilder(
                "dd",
                "if=/dev/zero",
                "of=" + file,
                "bs=4k",
                "count=200",
                "oflag=dsync",
                "status=none")
            .redirectErrorStream(true)
            .start();
    started.add(dd);
    assertThat(dd.waitFor(30, TimeUnit.SECONDS)).as("dd finished").isTrue();
    assertThat(dd.exitValue()).isZero();
    List<KernelEvent> events = block.stopAndRead();

    List<KernelEvent> io =
        events.stream().filter(e -> e.name() == EventName.BLOCK_IO_LATENCY).toList();
    assertThat(io)
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.dev()).isEqualTo(name);
              assertThat(e.unit()).isEqualTo("By");
              assertThat(e.attr("sector")).isNotNull();
              assertThat(e.attr("op")).isIn("R", "W", "D", "E", "FLUSH", "N");
              assertThat(e.hasDuration()).isTrue();
            });
    double written =
        io.stream().filter(e -> "W".equals(e.attr("op"))).mapToDouble(KernelEvent::value).sum();
    assertThat(written).as("bytes written to %s", name).isGreaterThanOrEqualTo(200 * 4096.0);
  }

  @Test
  void syscallsBtShowsDeniedSyscallsAndASlowConnect() throws Exception {
    requireTools("ip", "iptables", "python3", "setpriv");
    id = newId(2);
    Producer syscalls = startProducer("syscalls.bt", "500000");

    String out = scenario("syscall-denials.sh", Integer.toString(id), "18098");
    int openatPid = Integer.parseInt(lineStartingWith(out, "OPENAT ").substring(7));
    int sendtoPid = Integer.parseInt(lineStartingWith(out, "SENDTO ").substring(7));
    int connectPid = Integer.parseInt(lineStartingWith(out, "CONNECT ").substring(8));

    List<KernelEvent> events = syscalls.stopAndRead();
    assertThat(events)
        .filteredOn(e -> e.name() == EventName.SYSCALL_ERROR && e.pid() == openatPid)
        .as("openat of a mode-000 file by uid 65534")
        .anySatisfy(
            e -> {
              assertThat(e.attr("syscall")).isEqualTo("openat");
              assertThat(e.attr("errno")).isEqualTo("EACCES");
              assertThat(e.comm()).isEqualTo("cat");
              assertThat(e.tid()).isEqualTo(openatPid);
              assertThat(e.cgroupId()).isPositive();
            });
    assertThat(events)
        .filteredOn(e -> e.name() == EventName.SYSCALL_ERROR && e.pid() == sendtoPid)
        .as("sendto dropped by iptables OUTPUT")
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.attr("syscall")).isEqualTo("sendto");
              assertThat(e.attr("errno")).isEqualTo("EPERM");
              assertThat(e.attr("ret")).isEqualTo("-1");
            });
    assertThat(events)
        .filteredOn(e -> e.name() == EventName.SYSCALL_LATENCY && e.pid() == connectPid)
        .as("connect() whose first SYN was dropped")
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.attr("syscall")).isEqualTo("connect");
              assertThat(e.attr("ret")).isEqualTo("0");
              assertThat(e.durNanos()).isBetween(500_000_000L, 10_000_000_000L);
            });
  }

  @Test
  void oomBtShowsTheVictimOfAMemoryCgroupOom() throws Exception {
    requireTools("python3");
    assumeTrue(
        Files.isWritable(MEMORY_CGROUPS), "needs the cgroup v1 memory controller (writable)");
    id = newId(3);
    Producer oom = startProducer("oom.bt");

    String out = scenario("memcg-oom.sh", Integer.toString(id));
    int victim = Integer.parseInt(lineStartingWith(out, "VICTIM ").substring(7));

    List<KernelEvent> events = oom.stopAndRead();
    assertThat(events)
        .filteredOn(e -> e.name() == EventName.MEM_OOM_KILL && e.pid() == victim)
        .as("the 100 MiB allocation in a 32 MiB memory cgroup was OOM-killed")
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.comm()).isEqualTo("python3");
              assertThat(e.unit()).isEqualTo("By");
              assertThat(e.value()).isBetween(16.0 * (1 << 20), 100.0 * (1 << 20));
              long anon = Long.parseLong(e.attr("anon_rss_kb"));
              long file = Long.parseLong(e.attr("file_rss_kb"));
              assertThat(e.value()).isEqualTo((anon + file) * 1024.0);
              assertThat(Long.parseLong(e.attr("total_vm_kb"))).isGreaterThan(anon);
              assertThat(e.cgroupId()).isPositive();
            });
  }

  /** A running bpftrace producer and its captured stdout/stderr. */
  private static final class Producer {
    private final String script;
    private final Process process;
    private final ByteArrayOutputStream out;
    private final ByteArrayOutputStream err;

    Producer(String script, Process process) {
      this.script = script;
      this.process = process;
      this.out = ProcessOutput.drain(process.getInputStream());
      this.err = ProcessOutput.drain(process.getErrorStream());
    }

    /** Stops bpftrace with SIGINT and reads its stream: no rejection, times within the run. */
    List<KernelEvent> stopAndRead() throws Exception {
      Thread.sleep(300); // let the last perf-buffer records reach user space
      signal("INT", process.pid());
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).as(script + " stopped").isTrue();
      List<KernelEvent> events = new ArrayList<>();
      List<Rejection> rejections = new ArrayList<>();
      KernelEventReader reader = new KernelEventReader(new ClockConverter(), HOST);
      reader.read(ProcessOutput.in(out), script, events::add, rejections::add);
      assertThat(rejections).as("rejected records of " + script).isEmpty();
      long now = System.currentTimeMillis() * 1_000_000L;
      assertThat(events)
          .as("events of %s (stderr: %s)", script, ProcessOutput.text(err))
          .isNotEmpty()
          .allSatisfy(
              e -> {
                assertThat(e.host()).isEqualTo(HOST);
                assertThat(e.source()).isEqualTo("bpftrace:" + script);
                assertThat(e.endEpochNanos()).isBetween(now - 120_000_000_000L, now);
              });
      return events;
    }
  }

  private Producer startProducer(String script, String... params) throws Exception {
    List<String> command = new ArrayList<>(List.of("bpftrace", "-q", "-f", "json"));
    command.add(EBPF.resolve(script).toString());
    command.add(HOST);
    command.addAll(List.of(params));
    Process p = new ProcessBuilder(command).start();
    started.add(p);
    Producer producer = new Producer(script, p);
    awaitText(producer, "clock.sync", 30_000);
    return producer;
  }

  /** Runs a scenario script to its end (≤ 40 s); returns its stdout and stderr. */
  private String scenario(String name, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", resource(name).toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    started.add(p);
    ByteArrayOutputStream out = ProcessOutput.drain(p.getInputStream());
    assertThat(p.waitFor(40, TimeUnit.SECONDS)).as(name + " finished").isTrue();
    String text = ProcessOutput.text(out);
    assertThat(p.exitValue()).as(name + " exit status; output:\n" + text).isZero();
    return text;
  }

  private static String lineStartingWith(String text, String prefix) {
    return text.lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no '" + prefix + "' line in:\n" + text));
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(BpftraceProducersKernelTest.class.getResource("/producers/" + name).toURI());
  }

  /** A numeric id unique to this JVM and test, for netns/veth/cgroup names. */
  private static int newId(int test) {
    return (int) (ProcessHandle.current().pid() % 100_000) * 10 + test;
  }

  private static void requireTools(String... tools) {
    for (String tool : tools) {
      assumeTrue(onPath(tool), "needs " + tool + " on PATH (see samples/ebpf/README.md)");
    }
  }

  private static void awaitText(Producer producer, String text, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      if (ProcessOutput.text(producer.out).contains(text)) {
        return;
      }
      if (!producer.process.isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "no '"
            + text
            + "' from bpftrace "
            + producer.script
            + " within "
            + timeoutMillis
            + " ms; stderr:\n"
            + ProcessOutput.text(producer.err));
  }

  private static void signal(String signal, long pid) throws Exception {
    run("kill", "-" + signal, Long.toString(pid));
  }

  private static void run(String... command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  private static boolean isRoot() throws IOException {
    return io.isostack.correlator.lab.HostTools.isRoot();
  }

  private static boolean onPath(String tool) {
    return io.isostack.correlator.lab.HostTools.onPath(tool);
  }
}
