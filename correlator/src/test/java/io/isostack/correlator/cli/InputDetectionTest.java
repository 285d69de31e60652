package io.isostack.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code analyze} says of an event input it cannot recognise, and of an empty one. */
class InputDetectionTest {
  private static final String TRACES = "../samples/data/healthy/traces.jsonl";

  @Test
  void anUnknownInputNamesTheFormatsItCouldBeAndThePrefix(@TempDir Path tmp) throws Exception {
    Path f = Files.writeString(tmp.resolve("odd.jsonl"), "{\"foo\":1}\n");

    String err = analyzeErr(f);

    assertThat(err)
        .contains(f + ": cannot tell the format from the content ({\"foo\":1})")
        .contains("it could be otlp-json, jaeger, events, tetragon, ig, otlp-logs-json")
        .contains("name the format as FORMAT:PATH, e.g. otlp-json:" + f);
  }

  @Test
  void anEmptyInputSaysItIsEmpty(@TempDir Path tmp) throws Exception {
    Path f = Files.writeString(tmp.resolve("empty.jsonl"), "\n");

    assertThat(analyzeErr(f)).contains(f + ": the input is empty");
  }

  private static String analyzeErr(Path events) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CorrelatorCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.execute("analyze", "--traces", TRACES, "--events", events.toString());
    return err.toString();
  }
}
