package io.isostack.correlator.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.KernelEventReader;
import io.isostack.codec.Rejection;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * The producers shipped in {@code samples/ebpf/} run for real on this machine against a real fault:
 * a busy process under a 10 % CFS quota. Their output must be read by our reader without a
 * rejection and show the throttling. Needs root, tracefs, bpftrace and the cgroup v1 cpu
 * controller; skips with the reason elsewhere.
 */
@Tag("kernel")
class ShippedProducersKernelTest {
  private static final Path EBPF = Path.of("..", "samples", "ebpf");
  private static final Path CPU_CGROUPS = Path.of("/sys/fs/cgroup/cpu");

  private final List<Process> started = new ArrayList<>();
  private Path cgroup;

  @BeforeEach
  void requireKernelTooling() throws Exception {
    assumeTrue(isRoot(), "needs root (run by CI on the project's machine)");
    assumeTrue(
        Files.isDirectory(Path.of("/sys/kernel/tracing/events/sched")),
        "needs tracefs mounted at /sys/kernel/tracing (.ci/run mounts it)");
    assumeTrue(onPath("bpftrace"), "needs bpftrace (apt-get install bpftrace)");
    assumeTrue(Files.isWritable(CPU_CGROUPS), "needs the cgroup v1 cpu controller");
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (cgroup != null && Files.isDirectory(cgroup)) {
      Files.delete(cgroup);
    }
  }

  @Test
  void schedBtAndTheCgroupSamplerShowAThrottledProcess() throws Exception {
    String name = "isostack-test-" + ProcessHandle.current().pid();
    cgroup = Files.createDirectory(CPU_CGROUPS.resolve(name));
    Files.writeString(cgroup.resolve("cpu.cfs_period_us"), "100000");
    Files.writeString(cgroup.resolve("cpu.cfs_quota_us"), "10000");

    Process busy = start("sh", "-c", "while :; do :; done");
    long busyPid = busy.pid();
    Process sched =
        start(
            "bpftrace",
            "-q",
            "-f",
            "json",
            EBPF.resolve("sched.bt").toString(),
            "kernel-test",
            "1000",
            Long.toString(busyPid),
            "0");
    ByteArrayOutputStream schedOut = ProcessOutput.drain(sched.getInputStream());
    Process sampler =
        start(
            "bash",
            EBPF.resolve("cgroup-sampler.sh").toString(),
            "--cgroup",
            "/" + name,
            "--host",
            "kernel-test");
    ByteArrayOutputStream samplerOut = ProcessOutput.drain(sampler.getInputStream());

    awaitText(schedOut, "clock.sync", 30_000);
    Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(busyPid));
    Thread.sleep(2_500);
    signal("INT", sched.pid());
    signal("TERM", sampler.pid());
    assertThat(sched.waitFor(20, TimeUnit.SECONDS)).as("bpftrace stopped").isTrue();
    assertThat(sampler.waitFor(10, TimeUnit.SECONDS)).as("sampler stopped").isTrue();
    busy.destroyForcibly();
    busy.waitFor(10, TimeUnit.SECONDS);

    List<KernelEvent> events = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    ClockConverter clocks = new ClockConverter();
    KernelEventReader reader = new KernelEventReader(clocks, "kernel-test");
    reader.read(ProcessOutput.in(schedOut), "sched.bt", events::add, rejections::add);
    reader.read(ProcessOutput.in(samplerOut), "cgroup-sampler.sh", events::add, rejections::add);

    assertThat(rejections).isEmpty();
    long now = System.currentTimeMillis() * 1_000_000L;
    assertThat(events)
        .allSatisfy(e -> assertThat(e.endEpochNanos()).isBetween(now - 120_000_000_000L, now));
    assertThat(events)
        .filteredOn(e -> e.name() == EventName.SCHED_OFFCPU && e.pid() == busyPid)
        .filteredOn(e -> "R".equals(e.attr("state")))
        .as("the throttled process was off-CPU while runnable")
        .isNotEmpty();
    assertThat(events)
        .filteredOn(e -> e.name() == EventName.CPU_THROTTLED)
        .as("the sampler saw the cgroup throttled")
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.cgroupPath()).isEqualTo("/" + name));
    assertThat(events)
        .filteredOn(e -> e.name() == EventName.CGROUP_ATTACH && e.pid() == busyPid)
        .extracting(KernelEvent::source)
        .contains("bpftrace:sched.bt", "cgroup-sampler");
  }

  private Process start(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    started.add(p);
    return p;
  }

  private static void awaitText(ByteArrayOutputStream out, String text, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      if (ProcessOutput.text(out).contains(text)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + text + "' from bpftrace within " + timeoutMillis + " ms");
  }

  private static void signal(String signal, long pid) throws Exception {
    new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
  }

  private static boolean isRoot() throws IOException {
    return io.isostack.correlator.lab.HostTools.isRoot();
  }

  private static boolean onPath(String tool) {
    return io.isostack.correlator.lab.HostTools.onPath(tool);
  }
}
