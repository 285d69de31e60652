package io.isostack.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code analyze --decode-threads}: the JSON report (findings, evidence, counts, rejections) of
 * every sample is the same whether its events are decoded on one thread or in chunks on several.
 */
class ParallelDecodeTest {

  private static String analyze(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CorrelatorCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("analyze", "--format", "json"));
    all.addAll(List.of(args));
    int code = cli.execute(all.toArray(new String[0]));
    assertThat(code).as(err.toString()).isZero();
    return out.toString();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cpu-throttle-chain",
        "disk-io-storm",
        "healthy",
        "mdns-storm",
        "real-cpu-throttle"
      })
  void chunkedDecodingGivesTheOneThreadReport(String sample) throws IOException {
    Path dir = Path.of("../samples/data/" + sample);
    List<String> in = new ArrayList<>(List.of("--traces", dir.resolve("traces.jsonl").toString()));
    in.add("--events");
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(Path::toString)
          .filter(f -> f.matches(".*/events[^/]*\\.jsonl"))
          .sorted()
          .forEach(in::add);
    }
    String[] inputs = in.toArray(new String[0]);
    String one = analyze(concat(inputs, "--decode-threads", "1"));
    String again = analyze(concat(inputs, "--decode-threads", "1"));
    assertThat(firstDifferentLine(again, one)).as("one thread twice").isEqualTo("none");
    String chunked =
        analyze(concat(inputs, "--decode-threads", "2", "--decode-chunk-bytes", "4096"));

    assertThat(firstDifferentLine(chunked, one)).isEqualTo("none");
    assertThat(chunked).isEqualTo(one);
    assertThat(one).contains("\"findings\"");
  }

  @Test
  void decodeThreadsBelowOneIsAUsageError() {
    CommandLine cli = CorrelatorCommand.commandLine();
    cli.setErr(new PrintWriter(new StringWriter(), true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    int code =
        cli.execute(
            "analyze", "--traces", "../samples/data/healthy/traces.jsonl", "--decode-threads", "0");
    assertThat(code).isEqualTo(2);
  }

  private static String firstDifferentLine(String a, String b) {
    String[] x = a.split("\n", -1);
    String[] y = b.split("\n", -1);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (!x[i].equals(y[i])) {
        return "line " + (i + 1) + ": " + x[i] + " | " + y[i];
      }
    }
    return x.length == y.length ? "none" : "lines " + x.length + " vs " + y.length;
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
