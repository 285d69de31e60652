package io.isostack.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code correlator analyze} run as a user runs it: the shaded jar in its own JVM. */
class AnalyzeJarIT {
  private static final Path JAR = Path.of("target", "correlator.jar");
  private static final Path DATA = Path.of("..", "samples", "data");

  record Run(int exit, String out, String err) {}

  static Run run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("correlator finished").isTrue();
    return new Run(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Test
  void analyzesTheMdnsCaseToTheL2NetworkSlice() throws Exception {
    Run r =
        run(
            "analyze",
            "--traces",
            DATA.resolve("mdns-storm/traces.jsonl").toString(),
            "--events",
            DATA.resolve("mdns-storm/events.jsonl").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(
            "checkout POST /cart/checkout → checkout GET /inventory 1.83 s:"
                + " L-2 paravirtualization network slice, TCP retransmits");
  }

  @Test
  void writesTheJsonReportToAFile(@TempDir Path tmp) throws Exception {
    Path report = tmp.resolve("report.json");
    Run r =
        run(
            "analyze",
            "--traces",
            DATA.resolve("disk-io-storm/traces.jsonl").toString(),
            "--events",
            DATA.resolve("disk-io-storm/events.jsonl").toString(),
            "--format",
            "json",
            "--output",
            report.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.get("findings")).hasSize(12);
    assertThat(json.get("findings").get(0).get("layer").asText()).isEqualTo("host");
    assertThat(json.get("input").get("spans").get("total").asLong()).isEqualTo(78);
  }

  @Test
  void exitsOneWhenNoInputCanBeRead() throws Exception {
    Run r = run("analyze", "--traces", "no/such/traces.jsonl");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("no/such/traces.jsonl: no such file");
  }

  @Test
  void exitsTwoOnAUsageError() throws Exception {
    Run r = run("analyze", "--traces", "x.jsonl", "--slow-threshold", "5parsecs");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--slow-threshold");
  }

  @Test
  void reportsRejectedRecordsAndStillAnalyses(@TempDir Path tmp) throws Exception {
    Path traces = tmp.resolve("traces.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(DATA.resolve("healthy/traces.jsonl")));
    lines.add(2, "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\"");
    Files.write(traces, lines);
    Run r =
        run(
            "analyze",
            "--traces",
            traces.toString(),
            "--events",
            DATA.resolve("healthy/events.jsonl").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Rejected 1 records").contains(traces + ":3: invalid-json");
    assertThat(r.out()).contains("api GET /report 608 ms: application");
  }
}
