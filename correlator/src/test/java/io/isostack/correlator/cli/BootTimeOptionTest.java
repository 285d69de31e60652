package io.isostack.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --boot-time} places boot-relative kernel logs; without it they are rejected. */
class BootTimeOptionTest {
  /** This machine's dmesg, captured with /proc/stat's btime 1796154846 (see collector-model). */
  private static final String DMESG = "../collector-model/src/test/resources/kernel-logs/dmesg.txt";

  @Test
  void parsesRfc3339AndEpochSeconds() {
    assertThat(AnalysisOptions.bootEpochNanos("2026-12-01T19:54:06Z"))
        .isEqualTo(1796154846_000_000_000L);
    assertThat(AnalysisOptions.bootEpochNanos("1796154846")).isEqualTo(1796154846_000_000_000L);
    assertThat(AnalysisOptions.bootEpochNanos("1796154846.25")).isEqualTo(1796154846_250_000_000L);
    assertThatThrownBy(() -> AnalysisOptions.bootEpochNanos("yesterday"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--boot-time")
        .hasMessageContaining("yesterday");
  }

  @Test
  void analyzePlacesRawDmesgWithTheBootTimeAndRejectsItWithout() throws Exception {
    JsonNode with = analyze("--boot-time", "1796154846").get("input");
    JsonNode without = analyze().get("input");

    assertThat(with.get("events").get("total").asLong()).isEqualTo(587);
    assertThat(with.get("skipped").get("byReason").get("dmesg-continuation").asLong()).isEqualTo(1);
    assertThat(without.get("events").get("total").asLong()).isZero();
    assertThat(without.get("rejected").get("byReason").get("missing-clock-sync").asLong())
        .isEqualTo(587);
  }

  private static JsonNode analyze(String... more) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CorrelatorCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] base = {
      "analyze",
      "--traces",
      "../samples/data/healthy/traces.jsonl",
      "--events",
      DMESG,
      "--format",
      "json"
    };
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    assertThat(cli.execute(args)).as(err.toString()).isZero();
    return new ObjectMapper().readTree(out.toString());
  }
}
