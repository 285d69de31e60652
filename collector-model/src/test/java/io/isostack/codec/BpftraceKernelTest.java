package io.isostack.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * bpftrace runs for real, the way users run it: with and without {@code -q} and {@code -f json},
 * standard error merged into the file; what it printed goes through detection and the reader. Needs
 * root, tracefs and bpftrace; skips with the reason elsewhere.
 */
@Tag("kernel")
class BpftraceKernelTest {
  private static final Path SCHED_BT = Path.of("..", "samples", "ebpf", "sched.bt");

  private final SpiReads reads = new SpiReads();

  @BeforeEach
  void requireBpftrace() {
    assumeTrue("0".equals(uid()), "needs root");
    assumeTrue(
        Files.isDirectory(Path.of("/sys/kernel/tracing/events/sched")),
        "needs tracefs mounted at /sys/kernel/tracing");
    assumeTrue(onPath("bpftrace"), "needs bpftrace (apt-get install bpftrace)");
  }

  @Test
  void everyRecordTypeInEveryOutputModeIsReadOrCounted() throws Exception {
    for (List<String> flags :
        List.of(
            List.<String>of(), List.of("-q"), List.of("-f", "json"), List.of("-q", "-f", "json"))) {
      SpiReads r = new SpiReads();
      List<String> cmd = new ArrayList<>(List.of("bpftrace"));
      cmd.addAll(flags);
      cmd.addAll(List.of(resource("bpftrace/record_types.bt").toString(), "kernel-test"));
      ReadSummary s = r.bytes(run(cmd, 20), String.join(" ", cmd));

      assertThat(r.detected).as("%s", cmd).isEqualTo("events");
      assertThat(r.events)
          .as("%s", cmd)
          .extracting(KernelEvent::name)
          .containsExactly(EventName.PRODUCER_LOST);
      assertThat(s.lost()).as("%s", cmd).isEqualTo(3);
      assertThat(s.skipped()).as("%s", cmd).containsKeys("bpftrace-hist", "bpftrace-map");
      if (flags.contains("json")) {
        assertThat(r.rejects).as("%s", cmd).isEmpty();
        assertThat(s.skipped())
            .containsEntry("bpftrace-hist", 2L)
            .containsEntry("bpftrace-stats", 1L)
            .containsEntry("bpftrace-time", 1L);
      } else {
        assertThat(r.rejects).as("%s: the time() and cat() text", cmd).hasSize(2);
        assertThat(s.skipped().get("bpftrace-hist")).as("%s: one per bucket", cmd).isGreaterThan(1);
      }
    }
  }

  @Test
  void schedBtRunAsMostPeopleRunItIsRead() throws Exception {
    List<String> cmd =
        List.of("timeout", "-s", "INT", "2", "bpftrace", SCHED_BT.toString(), "kernel-test", "0");
    ReadSummary s = reads.bytes(run(cmd, 30), "sched.bt");

    assertThat(reads.detected).isEqualTo("events");
    assertThat(reads.rejects).isEmpty();
    assertThat(s.skipped()).containsKey("producer-text");
    assertThat(s.records()).isPositive();
    assertThat(reads.events)
        .allSatisfy(e -> assertThat(e.host()).isEqualTo("kernel-test"))
        .anyMatch(e -> e.name() == EventName.SCHED_OFFCPU);
  }

  private static byte[] run(List<String> cmd, int timeoutSeconds) throws Exception {
    Path out = Files.createTempFile("bpftrace", ".out");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
      return Files.readAllBytes(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static Path resource(String path) throws Exception {
    return Path.of(BpftraceKernelTest.class.getResource("/" + path).toURI());
  }

  private static String uid() {
    try {
      Process p = new ProcessBuilder("id", "-u").start();
      return new String(p.getInputStream().readAllBytes()).strip();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
