package io.isostack.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code correlator stream}: its usage errors, which fail before any connection is tried. */
class StreamCommandTest {
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = CorrelatorCommand.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void theBootstrapServersAreRequired() {
    assertThat(run("stream")).isEqualTo(2);
    assertThat(err.toString()).contains("--bootstrap-servers");
  }

  @Test
  void theProcessingGuaranteeCannotBeChanged() {
    int code =
        run(
            "stream",
            "--bootstrap-servers",
            "127.0.0.1:9",
            "--kafka-property",
            "processing.guarantee=at_least_once");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("exactly_once_v2");
  }

  @Test
  void aBadApplicationIdIsAUsageErrorNamingTheFlag() {
    int code = run("stream", "--bootstrap-servers", "127.0.0.1:9", "--application-id", "a b");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--application-id");
  }

  @Test
  void anHttpPortOutOfRangeIsAUsageErrorNamingTheFlag() {
    int code = run("stream", "--bootstrap-servers", "127.0.0.1:9", "--http-port", "70000");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--http-port must be 0..65535");
  }

  @Test
  void aTokenOverPlaintextOffLoopbackIsAUsageErrorNamingTheFlags() {
    int code =
        run(
            "stream",
            "--bootstrap-servers",
            "127.0.0.1:9",
            "--bind",
            "0.0.0.0",
            "--token-file",
            "/nonexistent/token");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--token-file").contains("--tls-cert");
  }

  @Test
  void anUnreadableTlsFileIsAUsageErrorNamingTheFlag() {
    int code =
        run(
            "stream",
            "--bootstrap-servers",
            "127.0.0.1:9",
            "--tls-cert",
            "/nonexistent/cert.pem",
            "--tls-key",
            "/nonexistent/key.pem");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--tls-");
  }

  @Test
  void theCommandIsListedInTheHelp() {
    CommandLine cli = CorrelatorCommand.commandLine();
    assertThat(cli.getSubcommands()).containsKey("stream");
  }
}
