package io.isostack.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --start-time} anchors libbpf-tools' relative {@code TIME(s)} column, on a real {@code
 * execsnoop -t} recording of this machine.
 */
class StartTimeOptionTest {
  private static final String TRACES = "../samples/data/healthy/traces.jsonl";

  private record Result(int exitCode, String out, String err) {}

  private static Result analyze(String... extra) throws Exception {
    String events =
        Path.of(StartTimeOptionTest.class.getResource("execsnoop_t.txt").toURI()).toString();
    List<String> args =
        new ArrayList<>(
            List.of(
                "analyze",
                "--traces",
                TRACES,
                "--events",
                "libbpf:execsnoop:" + events,
                "--format",
                "json"));
    args.addAll(List.of(extra));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = CorrelatorCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args.toArray(new String[0]));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void relativeTimesAreReadWhenTheStartTimeIsGiven() throws Exception {
    Result r = analyze("--start-time", "2026-12-01T19:00:00Z");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode input = new ObjectMapper().readTree(r.out()).get("input");
    assertThat(input.at("/events/total").asLong()).isEqualTo(11);
    assertThat(input.at("/rejected/total").asLong()).isZero();
  }

  @Test
  void withoutItTheRejectionsSayToPassIt() throws Exception {
    Result r = analyze();

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode input = new ObjectMapper().readTree(r.out()).get("input");
    assertThat(input.at("/events/total").asLong()).isZero();
    assertThat(input.at("/rejected/byReason/missing-time-anchor").asLong()).isEqualTo(11);
    assertThat(input.at("/rejected/first/0/message").asText())
        .contains("--start-time")
        .contains("2026-12-01T19:00:00Z");
  }

  @Test
  void aStartTimeThatIsNoInstantIsAUsageError() throws Exception {
    Result r = analyze("--start-time", "19:00");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--start-time");
  }
}
