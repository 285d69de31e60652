package io.isostack.correlator.faults;

import static io.isostack.correlator.faults.FaultLab.EBPF;
import static io.isostack.correlator.faults.FaultLab.HOST;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fault 3 of the suite: a synchronous-write storm on the disk the backend writes its journal to
 * (the virtio disk here) while it writes on every request. The live verdict: host, disk latency.
 */
@Tag("kernel")
class DiskStormFaultKernelIT {
  @BeforeAll
  static void lab() throws Exception {
    FaultLab.requireKernelLab();
  }

  @Test
  void aSyncWriteStormOnTheBackendsDiskIsHostDiskLatency() throws Exception {
    try (FaultLab lab = new FaultLab("disk")) {
      Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "disk-fault-");
      lab.onClose(() -> FaultLab.quietly("rm", "-rf", dir.toString()));
      String disk = diskOf(dir);
      FaultLab.Serve serve =
          lab.serve(
              "127.0.0.1",
              List.of(
                  "bpftrace -q -f json " + EBPF.resolve("sched.bt") + " " + HOST + " 1000",
                  "bash " + EBPF.resolve("block.sh") + " " + disk + " " + HOST + " 1000"));
      lab.service(
          "backend",
          "127.0.0.1",
          18681,
          List.of(),
          List.of(),
          List.of(
              "--otlp-endpoint",
              serve.otlpEndpoint(),
              "--sync-write-bytes",
              "16384",
              "--sync-writes",
              "16",
              "--write-dir",
              dir.toString()));
      lab.service(
          "frontend",
          "127.0.0.1",
          18680,
          List.of(),
          List.of(),
          List.of("--otlp-endpoint", serve.otlpEndpoint(), "--backend", "http://127.0.0.1:18681"));
      URI checkout = URI.create("http://127.0.0.1:18680/checkout");
      lab.drive(checkout, 10, Duration.ofSeconds(4), false, 4);
      lab.drive(checkout, 3, Duration.ofSeconds(4), true, 3); // the baseline, before the storm

      long faultStart = FaultLab.now();
      // Two writers saturate the device's bandwidth with direct 4 MiB writes, two more commit
      // small synchronous writes: the queue the backend's journal commits wait in.
      for (int i = 0; i < 4; i++) {
        String flags = i < 2 ? "bs=4M count=64 oflag=direct" : "bs=4k count=256 oflag=dsync";
        lab.start(
            "storm-" + i,
            List.of(
                "sh",
                "-c",
                "while :; do dd if=/dev/zero of="
                    + dir
                    + "/storm-"
                    + i
                    + " "
                    + flags
                    + " status=none; done"));
      }
      Thread.sleep(1000);
      lab.drive(checkout, 3, Duration.ofSeconds(10), true, 3);

      FaultLab.await(
          "3 findings for the backend, see " + lab.logs(),
          60,
          () -> backendFindings(FaultLab.since(lab.findings(serve), faultStart)).size() >= 3);
      FaultLab.assertVerdicts(
          backendFindings(FaultLab.since(lab.findings(serve), faultStart)),
          "host",
          false,
          "disk-latency",
          3,
          lab.logs());
    }
  }

  private static List<JsonNode> backendFindings(List<JsonNode> findings) {
    return findings.stream().filter(f -> f.get("service").asText().equals("backend")).toList();
  }

  /** The whole disk (e.g. {@code vda}) under a directory, from /proc/self/mountinfo and sysfs. */
  static String diskOf(Path dir) throws Exception {
    String source = FaultLab.sh("findmnt", "-n", "-o", "SOURCE", "--target", dir.toString()).trim();
    String dev = Path.of(source).getFileName().toString();
    Path sys = Path.of("/sys/class/block", dev);
    if (Files.exists(sys.resolve("partition"))) {
      return sys.toRealPath().getParent().getFileName().toString();
    }
    return dev;
  }
}
