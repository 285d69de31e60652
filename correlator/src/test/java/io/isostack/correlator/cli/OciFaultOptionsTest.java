package io.isostack.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The OCI runtimes' faults on the command line: {@code demo} names them, {@code record} sends them
 * to {@code samples/record/record-oci.sh} before touching anything.
 */
class OciFaultOptionsTest {
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = CorrelatorCommand.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void recordSendsAnOciFaultToTheOciRecordingScript(@TempDir Path tmp) {
    assertThat(run("record", "--fault", "gvisor-syscalls", "--out", tmp.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("gvisor-syscalls runs in an OCI container")
        .contains("samples/record/record-oci.sh");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void anUnknownFaultIsAnsweredWithEveryFaultsName() {
    assertThat(run("demo", "--fault", "gvisor")).isEqualTo(2);
    assertThat(err.toString()).contains("crun-throttle").contains("gvisor-syscalls");
  }
}
