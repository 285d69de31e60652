package io.isostack.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@code correlator analyze} in-process, as the jar's main class would, and checks exit codes
 * and output. Paths are relative to the module directory, where surefire runs.
 */
class AnalyzeCommandTest {
  private static final String HEALTHY = "../samples/data/healthy/";
  private static final long BOOTTIME_OFFSET = 1_772_435_601_400_000_000L;

  private record Result(int exitCode, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CorrelatorCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private static Result analyze(String... args) {
    List<String> all = new ArrayList<>(List.of("analyze"));
    all.addAll(List.of(args));
    return run(all.toArray(new String[0]));
  }

  private static String fixture(String name) throws URISyntaxException {
    return Path.of(AnalyzeCommandTest.class.getResource(name).toURI()).toString();
  }

  private static String rulesFixture(String name) throws URISyntaxException {
    return Path.of(AnalyzeCommandTest.class.getResource("../rules/" + name).toURI()).toString();
  }

  @Test
  void healthySampleExitsZeroWithTheApplicationVerdict() {
    Result r = analyze("--traces", HEALTHY + "traces.jsonl", "--events", HEALTHY + "events.jsonl");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("1 slow hop: ");
    assertThat(r.out()).contains("api GET /report");
    assertThat(r.out()).contains(": application, time in the application");
  }

  @Test
  void rejectedRecordsAreReportedWithReasonFileAndLineAndExitIsZero() throws Exception {
    String file = fixture("rejects-traces.jsonl");

    Result r = analyze("--traces", file);

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Read 2 spans");
    assertThat(r.out()).contains("Rejected 2 records");
    assertThat(r.out()).contains(file + ":2: invalid-json: ");
    assertThat(r.out()).contains(file + ":3: invalid-id: ");
  }

  @Test
  void missingTracesFileExitsOneNamingTheFile() {
    Result r = analyze("--traces", "does/not/exist.jsonl");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("does/not/exist.jsonl: no such file");
  }

  @Test
  void tracesWithoutAnyValidSpanExitOne() throws Exception {
    Result r = analyze("--traces", fixture("invalid-only-traces.jsonl"));

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("no valid span");
  }

  @Test
  void unknownOptionIsAUsageError() {
    Result r = analyze("--frobnicate", "--traces", HEALTHY + "traces.jsonl");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--frobnicate");
  }

  @Test
  void unknownOptionAfterTheTracesIsAUsageError() {
    Result r = analyze("--traces", HEALTHY + "traces.jsonl", "--frobnicate");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--frobnicate");
  }

  @Test
  void missingTracesOptionIsAUsageError() {
    Result r = analyze("--events", HEALTHY + "events.jsonl");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--traces");
  }

  @Test
  void noSubcommandIsAUsageError() {
    assertThat(run().exitCode()).isEqualTo(2);
  }

  @Test
  void durationWithAnUnknownUnitIsAUsageError() {
    Result r = analyze("--traces", HEALTHY + "traces.jsonl", "--slow-threshold", "5parsecs");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--slow-threshold").contains("5parsecs");
  }

  @Test
  void negativeSlowThresholdIsAUsageError() {
    Result r = analyze("--traces", HEALTHY + "traces.jsonl", "--slow-threshold", "-5ms");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--slow-threshold");
  }

  @Test
  void zeroSlowThresholdIsAUsageErrorNamingTheFlag() {
    Result r = analyze("--traces", HEALTHY + "traces.jsonl", "--slow-threshold", "0ms");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--slow-threshold must be positive").doesNotContain("Nanos");
  }

  @Test
  void zeroSlowRequestIsAUsageErrorNamingTheFlag() {
    Result r = analyze("--traces", HEALTHY + "traces.jsonl", "--slow-request", "0ms");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--slow-request must be positive").doesNotContain("Nanos");
  }

  @Test
  void slowRequestBelowTheRequestsDurationsAnalysesTheHopsHoldingMostOfThem() throws Exception {
    // The healthy sample's item requests last 20-41 ms; three last 35 ms or more, and in each the
    // api's GET /api/items holds over two thirds of the request.
    Result byDefault = analyze("--traces", HEALTHY + "traces.jsonl", "--format", "json");
    Result lowered =
        analyze("--traces", HEALTHY + "traces.jsonl", "--format", "json", "--slow-request", "35ms");

    assertThat(lowered.exitCode()).as(lowered.err()).isZero();
    JsonNode before = new ObjectMapper().readTree(byDefault.out()).get("findings");
    JsonNode after = new ObjectMapper().readTree(lowered.out()).get("findings");
    assertThat(before)
        .noneSatisfy(f -> assertThat(f.get("slowReason").asText()).isEqualTo("request"));
    List<JsonNode> items = new ArrayList<>();
    after.forEach(
        f -> {
          if (f.get("slowReason").asText().equals("request")
              && f.get("name").asText().equals("GET /api/items")) {
            items.add(f);
          }
        });
    assertThat(items)
        .hasSize(3)
        .allSatisfy(
            f -> {
              assertThat(f.get("service").asText()).isEqualTo("api");
              assertThat(f.get("requestNanos").asLong()).isGreaterThanOrEqualTo(35_000_000L);
              assertThat(f.get("requestShare").asDouble()).isGreaterThan(0.66);
            });
  }

  @Test
  void checkPrintsOnlyTheCompletenessOfTheRealRecording() {
    String real = "../samples/data/real-cpu-throttle/";
    Result r =
        analyze(
            "--check",
            "--traces",
            real + "traces.jsonl",
            "--events",
            real + "events-sched.jsonl",
            real + "events-cgroup.jsonl");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .startsWith("Completeness (docs/METHOD.md §6):")
        .contains("traces: 426 spans in 142 traces")
        .contains("kernel events: scheduler ")
        .contains("drill-down from trace id to kernel evidence: 82 of 82 slow hops")
        .contains("syscalls: samples/ebpf/syscalls.bt")
        .doesNotContain("slow hops:")
        .doesNotContain("CPU throttling");
  }

  @Test
  void jsonReportStatesTheClockConversionAndItsUncertainty() throws Exception {
    String real = "../samples/data/real-cpu-throttle/";
    Result r =
        analyze(
            "--format",
            "json",
            "--skew",
            "3ms",
            "--traces",
            real + "traces.jsonl",
            "--events",
            real + "events-sched.jsonl");

    com.fasterxml.jackson.databind.JsonNode clock =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(r.out())
            .get("input")
            .get("clock");
    assertThat(clock.get("skewNanos").asLong()).isEqualTo(3_000_000L);
    assertThat(clock.get("conversions"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.get("clock").asText()).isEqualTo("boottime");
              assertThat(c.get("from").asText()).isEqualTo("clock.sync");
              assertThat(c.get("resolutionNanos").asLong()).isEqualTo(1000);
            });
  }

  @Test
  void jsonReportStatesWhatToAddWhenNoKernelEventWasRead() throws Exception {
    Result r = analyze("--format", "json", "--traces", HEALTHY + "traces.jsonl");

    assertThat(r.exitCode()).isZero();
    com.fasterxml.jackson.databind.JsonNode c =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("completeness");
    assertThat(c.get("watched")).isEmpty();
    assertThat(c.get("toAdd")).hasSize(io.isostack.model.EvidenceFamily.values().length);
    assertThat(c.get("slowHops").asInt()).isEqualTo(1);
    assertThat(c.get("unobserved").asInt()).isEqualTo(1);
    assertThat(c.get("drilledDown").asInt()).isZero();
  }

  @Test
  void malformedClockOffsetIsAUsageError() {
    Result r = analyze("--traces", HEALTHY + "traces.jsonl", "--clock-offset", "boottime=soon");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("boottime=soon");
  }

  @Test
  void clockOffsetForRealtimeIsAUsageError() {
    Result r = analyze("--traces", HEALTHY + "traces.jsonl", "--clock-offset", "realtime=5");

    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void boottimeEventsWithoutClockSyncNameTheFileAndSayHowToFixIt() throws Exception {
    String events = fixture("boottime-no-sync.jsonl");

    Result r = analyze("--traces", fixture("throttled-traces.jsonl"), "--events", events);

    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).contains(events).contains("--clock-offset").contains("clock.sync");
    // Every event was rejected: the kernel was not observed, so the verdict says so.
    assertThat(r.out())
        .contains("backend GET /pay 1.41 s: unknown, not observed (no scheduler events")
        .contains("confidence 0.00")
        .contains("samples/ebpf/sched.bt")
        .doesNotContain("Profile the application");
  }

  @Test
  void clockOffsetOptionMakesBoottimeEventsWithoutSyncUsable() throws Exception {
    Result r =
        analyze(
            "--traces",
            fixture("throttled-traces.jsonl"),
            "--events",
            fixture("boottime-no-sync.jsonl"),
            "--clock-offset",
            "boottime=" + BOOTTIME_OFFSET);

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain("clock");
    assertThat(r.out())
        .contains("backend GET /pay 1.41 s: L-3 container, CPU throttling (cgroup /demo-backend");
  }

  @Test
  void jsonFormatWithOutputWritesTheReportToTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("report.json");

    Result r =
        analyze(
            "--traces",
            HEALTHY + "traces.jsonl",
            "--events",
            HEALTHY + "events.jsonl",
            "--format",
            "json",
            "--output",
            file.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(file));
    assertThat(root.get("findings")).hasSize(1);
    assertThat(root.at("/findings/0/layer").asText()).isEqualTo("application");
    assertThat(root.at("/input/spans/total").asLong()).isPositive();
  }

  @Test
  void jsonFormatWithoutOutputWritesToStandardOutput() throws IOException {
    Result r = analyze("--traces", HEALTHY + "traces.jsonl", "--format", "json");

    assertThat(r.exitCode()).isZero();
    assertThat(new ObjectMapper().readTree(r.out()).has("findings")).isTrue();
  }

  @Test
  void formatPrefixOverridesContentDetection() {
    Result asJson = analyze("--traces", "otlp-json:" + HEALTHY + "traces.jsonl");
    Result asProto = analyze("--traces", "otlp-proto:" + HEALTHY + "traces.jsonl");

    assertThat(asJson.exitCode()).isZero();
    assertThat(asProto.exitCode()).isEqualTo(1);
  }

  @Test
  void eventsPassedAsTracesAreRefusedWithAHint() {
    Result r = analyze("--traces", HEALTHY + "events.jsonl");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("--events");
  }

  @Test
  void rulesOptionReplacesTheDefaultTableAndItsCauseTitles() throws Exception {
    Result r =
        analyze(
            "--traces", HEALTHY + "traces.jsonl",
            "--events", HEALTHY + "events.jsonl",
            "--rules", rulesFixture("override-rules.json"));

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("api GET /report").contains(": host, sleeping on the host (");
  }

  @Test
  void invalidRulesFileIsAUsageErrorNamingTheFile() throws Exception {
    String rules = rulesFixture("unknown-event.json");

    Result r = analyze("--traces", HEALTHY + "traces.jsonl", "--rules", rules);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(rules).contains("typo-event");
  }

  @Test
  void libbpfToolsHistogramsJoinAsCoarseHostWideDiskEvidence() throws Exception {
    Result r =
        analyze(
            "--traces", fixture("biolatency-traces.jsonl"),
            "--events", "libbpf:biolatency:" + fixture("biolatency.txt"),
            "--date", "2026-11-20",
            "--time-zone", "UTC",
            "--host", "node-1",
            "--format", "json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode findings = new ObjectMapper().readTree(r.out()).get("findings");
    assertThat(findings).hasSize(2);
    for (JsonNode f : findings) {
      assertThat(f.get("chain"))
          .anySatisfy(
              c -> {
                assertThat(c.get("layer").asText()).isEqualTo("host");
                assertThat(c.get("cause").asText()).isEqualTo("disk-latency");
                assertThat(c.get("explainedNanos").asLong()).isPositive();
              });
      assertThat(f.get("evidence"))
          .anySatisfy(
              e -> {
                assertThat(e.get("source").asText()).isEqualTo("libbpf-tools:biolatency");
                assertThat(e.get("attrs").get("histogram").asText()).isEqualTo("true");
              });
    }
  }
}
