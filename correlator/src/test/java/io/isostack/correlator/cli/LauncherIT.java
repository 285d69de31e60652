package io.isostack.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/correlator}, the launcher that runs {@code analyze} with its batch-job JVM flags and
 * class-data archive: the same report as {@code java -jar}, the archive written by the first run
 * that analysed and used by the next, none from a usage error or {@code --help}.
 */
class LauncherIT {
  private static final Path LAUNCHER = Path.of("..", "bin", "correlator");
  private static final Path JAR = Path.of("target", "correlator.jar");
  private static final Path CASE = Path.of("..", "samples", "data", "disk-io-storm");

  private record Run(int exit, String err) {}

  private static Run run(Path jar, List<String> command, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("JAVA", javaBin());
    pb.environment().put("CORRELATOR_JAR", jar.toString());
    pb.environment().remove("JAVA_OPTS");
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished: " + cmd).isTrue();
    return new Run(p.exitValue(), new String(err, StandardCharsets.UTF_8));
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String[] analyze(Path report) {
    return new String[] {
      "analyze",
      "--traces",
      CASE.resolve("traces.jsonl").toString(),
      "--events",
      CASE.resolve("events.jsonl").toString(),
      "--format",
      "json",
      "-o",
      report.toString()
    };
  }

  @Test
  void writesTheArchiveOnceAndGivesTheJarsReport(@TempDir Path tmp) throws Exception {
    Path jar = Files.copy(JAR, tmp.resolve("correlator.jar"));
    Path archive = tmp.resolve("correlator.jar.jsa");
    List<String> launcher = List.of(LAUNCHER.toString());

    Run usage = run(jar, launcher, "analyze", "--slow-threshold", "5parsecs");
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(archive).as("no archive from a usage error").doesNotExist();
    Run help = run(jar, launcher, "analyze", "--help");
    assertThat(help.exit()).isZero();
    assertThat(archive).as("no archive from --help").doesNotExist();

    Run first = run(jar, launcher, analyze(tmp.resolve("first.json")));
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(archive).as("written by the first analysis").exists();
    try (var files = Files.list(tmp)) {
      assertThat(files.filter(f -> f.toString().endsWith(".tmp"))).isEmpty();
    }
    long written = Files.getLastModifiedTime(archive).toMillis();

    Run second = run(jar, launcher, analyze(tmp.resolve("second.json")));
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.err()).doesNotContain("cds").doesNotContain("warning");
    assertThat(Files.getLastModifiedTime(archive).toMillis()).as("reused").isEqualTo(written);

    Run plain =
        run(jar, List.of(javaBin(), "-jar", jar.toString()), analyze(tmp.resolve("plain.json")));
    assertThat(plain.exit()).as(plain.err()).isZero();
    String expected = Files.readString(tmp.resolve("plain.json"));
    assertThat(Files.readString(tmp.resolve("first.json"))).isEqualTo(expected);
    assertThat(Files.readString(tmp.resolve("second.json"))).isEqualTo(expected);
  }

  @Test
  void passesOtherCommandsToTheJarWithoutAnArchive(@TempDir Path tmp) throws Exception {
    Path jar = Files.copy(JAR, tmp.resolve("correlator.jar"));
    Run r = run(jar, List.of(LAUNCHER.toString()), "--version");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(tmp.resolve("correlator.jar.jsa")).doesNotExist();
  }
}
