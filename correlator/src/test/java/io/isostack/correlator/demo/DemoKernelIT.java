package io.isostack.correlator.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.correlator.lab.Fault;
import io.isostack.correlator.lab.HostTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workshop command, run as an instructor runs it: the shaded jar, as root, on this machine. It
 * must locate the fault, write the report, and leave nothing behind.
 */
@Tag("kernel")
class DemoKernelIT {
  private static final Path JAR = Path.of("target", "correlator.jar");
  private static final Path SAMPLES = Path.of("..", "samples");

  @Test
  void theCpuThrottleDemoLocatesTheFaultAndCleansUp(@TempDir Path tmp) throws Exception {
    String missing = HostTools.missingFor(Fault.CPU_THROTTLE, SAMPLES);
    assumeTrue(missing == null, missing);
    assumeTrue(Files.isRegularFile(JAR), "needs the correlator jar: mvn package");
    Path report = tmp.resolve("report.json");

    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "demo",
                "--fault",
                "cpu-throttle",
                "--duration",
                "8s",
                "--report",
                report.toString(),
                "--samples",
                SAMPLES.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("[5/7] inducing the fault: cpu-throttle")
        .contains("L-3 container, CPU throttling");
    JsonNode findings = new ObjectMapper().readTree(report.toFile()).get("findings");
    assertThat(findings).isNotEmpty();
    assertThat(findings)
        .filteredOn(f -> f.get("service").asText().equals("backend"))
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.get("cause").asText()).isEqualTo("cpu-throttle"));
    try (Stream<Path> cgroups = Files.list(Path.of("/sys/fs/cgroup/cpu"))) {
      assertThat(cgroups.map(c -> c.getFileName().toString()))
          .noneMatch(n -> n.startsWith("isostack-demo-"));
    }
    assertThat(
            ProcessHandle.allProcesses()
                .map(h -> h.info().commandLine().orElse(""))
                .filter(c -> c.contains("sample-app.jar") && c.contains("18981")))
        .as("sample services left running")
        .isEmpty();
  }
}
