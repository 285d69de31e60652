package io.isostack.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.correlator.finding.Finding;
import io.isostack.model.IsolationLayer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real recording: the backend under a CFS quota for 20 s, watched by bpftrace and the cgroup
 * sampler. Its slow spans are L-3 CPU throttling; its fast ones get no kernel verdict.
 */
class RealRecordingTest {
  private static final Path CASE = Path.of("..", "samples", "data", "real-cpu-throttle");
  private static List<Finding> findings;
  private static long quotaOn;
  private static long quotaOff;

  @BeforeAll
  static void analyze() throws IOException {
    findings = SampleCasesTest.analyze(CASE);
    JsonNode phases =
        new ObjectMapper().readTree(CASE.resolve("recording.json").toFile()).get("phases_epoch_ns");
    quotaOn = phases.get("quota_on").asLong();
    quotaOff = phases.get("quota_off").asLong();
  }

  @Test
  void everySlowBackendSpanIsCpuThrottlingOfItsCgroup() {
    List<Finding> backend =
        findings.stream().filter(f -> f.span().service().equals("backend")).toList();
    assertThat(backend).isNotEmpty();
    assertThat(backend)
        .allSatisfy(
            f -> {
              assertThat(f.layer()).isEqualTo(IsolationLayer.L3);
              assertThat(f.cause()).isEqualTo("cpu-throttle");
              assertThat(f.detail()).startsWith("cgroup /demo-backend throttled");
              assertThat(f.confidence()).isGreaterThan(0.8);
            });
  }

  @Test
  void noSpanOutsideTheQuotaPhaseGetsAKernelVerdict() {
    // A span that ended before the quota or started after it was lifted (with the sampler's
    // 100 ms interval as margin) was fast and must not be blamed on a kernel layer.
    assertThat(findings)
        .filteredOn(
            f ->
                f.span().endEpochNanos() < quotaOn
                    || f.span().startEpochNanos() > quotaOff + 100_000_000L)
        .allSatisfy(f -> assertThat(f.layer()).isEqualTo(IsolationLayer.APPLICATION));
  }

  @Test
  void theFirstFindingReadsLikeTheMethodsStatement() {
    Finding top = findings.get(0);
    assertThat(top.path()).first().satisfies(s -> assertThat(s.name()).isEqualTo("GET /checkout"));
    assertThat(top.span().name()).isEqualTo("GET /pay");
    assertThat(top.explainedNanos()).isGreaterThan(1_000_000_000L);
    assertThat(top.chain())
        .first()
        .satisfies(c -> assertThat(c.signals()).contains("cpu.throttled"));
  }
}
