package io.isostack.correlator.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.KernelEventReader;
import io.isostack.codec.Rejection;
import io.isostack.correlator.lab.HostTools;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code samples/ebpf/kvm.bt} runs for real against a real tiny KVM guest ({@code
 * samples/vm/run-guest.sh}: QEMU with KVM, Debian's cloud kernel, a busybox initramfs, virtio-blk
 * and virtio-net on a tap in the network namespace {@code stack-vm}, the vCPU thread under a 30 %
 * CFS quota, the guest spinning). Its records must be read without a rejection and show the guest's
 * vCPU thread leaving the guest. Needs root, /dev/kvm, tracefs with the kvm events, bpftrace,
 * qemu-system-x86, linux-image-cloud-amd64 and busybox-static; skips with the reason elsewhere. The
 * guest runs 25 s at most, one vCPU, at nice 19.
 */
@Tag("kernel")
class KvmProducerKernelTest {
  private static final Path SAMPLES = Path.of("..", "samples");
  private static final String GUEST = "stack-guest";
  private static final Path KVM_PVM = Path.of("/sys/module/kvm_pvm");

  @TempDir static Path dir;

  private static final List<KernelEvent> EVENTS = new ArrayList<>();
  private static final List<Rejection> REJECTIONS = new ArrayList<>();
  private static long qemuPid;
  private static String console = "";
  private static String guestEvents = "";
  private static Process bpftrace;
  private static Process guest;

  @BeforeAll
  static void runAGuestUnderKvmBt() throws Exception {
    assumeTrue(HostTools.isRoot(), "needs root (run by CI on the project's machine)");
    assumeTrue(Files.isWritable(Path.of("/dev/kvm")), "needs a usable /dev/kvm");
    assumeTrue(
        Files.isDirectory(Path.of("/sys/kernel/tracing/events/kvm")),
        "needs tracefs at /sys/kernel/tracing with the kvm events (a KVM host kernel)");
    assumeTrue(onPath("bpftrace"), "needs bpftrace (apt-get install bpftrace)");
    assumeTrue(onPath("qemu-system-x86_64"), "needs QEMU (apt-get install qemu-system-x86)");
    assumeTrue(onPath("busybox"), "needs a static busybox (apt-get install busybox-static)");
    try (Stream<Path> boot = Files.list(Path.of("/boot"))) {
      assumeTrue(
          boot.anyMatch(p -> p.getFileName().toString().matches("vmlinuz-.*-cloud-amd64")),
          "needs a guest kernel (apt-get install linux-image-cloud-amd64)");
    }
    assertThat(
            new ProcessBuilder(
                    "bash",
                    SAMPLES.resolve("vm/build-initramfs.sh").toString(),
                    "--out",
                    dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor())
        .as("build-initramfs.sh")
        .isZero();

    bpftrace =
        new ProcessBuilder(
                "nice",
                "-n",
                "19",
                "bpftrace",
                "-q",
                "-f",
                "json",
                SAMPLES.resolve("ebpf/kvm.bt").toString(),
                GUEST,
                "1000")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    ByteArrayOutputStream out = ProcessOutput.drain(bpftrace.getInputStream());
    awaitText(out, "producer.start", 30_000);
    Thread.sleep(1_000); // bpftrace prints BEGIN before every probe is attached
    guest =
        new ProcessBuilder(
                "bash",
                SAMPLES.resolve("vm/run-guest.sh").toString(),
                "--work",
                "spin",
                "--secs",
                "8",
                "--delay",
                "2",
                "--quota-pct",
                "30",
                "--timeout",
                "25",
                "--name",
                GUEST,
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Path pidFile = dir.resolve("qemu.pid");
    long deadline = System.currentTimeMillis() + 10_000;
    while (qemuPid == 0 && System.currentTimeMillis() < deadline) {
      if (Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) {
        qemuPid = Long.parseLong(Files.readString(pidFile).trim());
      }
      Thread.sleep(100);
    }
    assertThat(guest.waitFor(40, TimeUnit.SECONDS)).as("run-guest.sh stopped").isTrue();
    Thread.sleep(1_500);
    new ProcessBuilder("kill", "-INT", Long.toString(bpftrace.pid())).start().waitFor();
    assertThat(bpftrace.waitFor(20, TimeUnit.SECONDS)).as("bpftrace stopped").isTrue();
    console = readIfExists(dir.resolve("console.log"));
    guestEvents = readIfExists(dir.resolve("guest-events.jsonl"));

    KernelEventReader reader = new KernelEventReader(new ClockConverter(), GUEST);
    reader.read(ProcessOutput.in(out), "kvm.bt", EVENTS::add, REJECTIONS::add);
    reader.read(
        new java.io.ByteArrayInputStream(
            guestEvents.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        "steal-sampler.sh",
        EVENTS::add,
        REJECTIONS::add);
  }

  @AfterAll
  static void stopEverything() throws InterruptedException {
    for (Process p : new Process[] {guest, bpftrace}) {
      if (p != null && p.isAlive()) {
        p.destroy();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void everyRecordIsReadAndTheProducerSaysWhatItCovers() {
    assertThat(qemuPid).as("QEMU started and wrote its pid").isPositive();
    assertThat(REJECTIONS).isEmpty();
    assertThat(EVENTS)
        .filteredOn(e -> e.name() == EventName.PRODUCER_START)
        .extracting(e -> e.attr("covers"))
        .contains("hypervisor");
    long now = System.currentTimeMillis() * 1_000_000L;
    assertThat(EVENTS)
        .allSatisfy(e -> assertThat(e.endEpochNanos()).isBetween(now - 300_000_000_000L, now));
  }

  @Test
  void theHostSeesTheGuestsVcpuThreadLeaveTheGuest() {
    assertThat(EVENTS)
        .filteredOn(e -> e.name() == EventName.KVM_EXIT)
        .filteredOn(e -> Long.toString(qemuPid).equals(e.attr("vm_pid")))
        .as("VM exits of the guest's vCPU thread")
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.host()).isEqualTo(GUEST);
              assertThat(e.attr("vcpu_comm")).isEqualTo("CPU 0/KVM");
              assertThat(e.attr("reason")).isNotBlank();
              assertThat(e.durNanos()).isPositive();
            });
  }

  @Test
  void aBootingGuestTouchesFreshMemoryAndTheHostSeesEptFaults() {
    assumeFalse(
        Files.isDirectory(KVM_PVM),
        "this host's KVM is kvm-pvm (pagetable-based, nested, no VMX/SVM): it uses shadow paging, "
            + "so no EPT/NPT fault exists, and kvm:kvm_exit/kvm_page_fault never fire");
    assertThat(EVENTS)
        .filteredOn(e -> e.name() == EventName.KVM_EPT_FAULT)
        .filteredOn(e -> Long.toString(qemuPid).equals(e.attr("vm_pid")))
        .as("EPT/NPT faults while the guest boots and touches its memory")
        .isNotEmpty();
  }

  @Test
  void aGuestWhoseVcpuThreadIsThrottledSeesSteal() {
    assumeTrue(
        console.contains("stack-guest: up"),
        "the guest kernel did not reach its /init within 25 s (on a kvm-pvm host an unmodified "
            + "guest kernel's ring 0 is instruction-emulated: see README 'The whole stack')");
    assertThat(EVENTS)
        .filteredOn(e -> e.name() == EventName.CPU_STEAL)
        .as("steal seen inside the guest")
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.host()).isEqualTo(GUEST));
  }

  private static String readIfExists(Path p) throws IOException {
    return Files.exists(p) ? Files.readString(p) : "";
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

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
