package io.isostack.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.receiver.ReceiverLimits;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code serve}'s receiver-limit flags: their defaults are the former constants, they parse into
 * {@link ReceiverLimits}, and out-of-range values are usage errors naming the flag, before any port
 * is bound.
 */
class ServeLimitFlagsTest {
  private final StringWriter err = new StringWriter();

  private static ServeCommand parse(String... args) {
    CommandLine.ParseResult r = CorrelatorCommand.commandLine().parseArgs(args);
    return (ServeCommand) r.subcommand().commandSpec().userObject();
  }

  private int run(String... args) {
    CommandLine cli = CorrelatorCommand.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void theDefaultsAreUnchanged() {
    assertThat(parse("serve").receiverLimits()).isEqualTo(ReceiverLimits.DEFAULTS);
    assertThat(ReceiverLimits.DEFAULTS)
        .isEqualTo(
            new ReceiverLimits(64 << 20, 16, Duration.ofSeconds(20), Duration.ofSeconds(10)));
  }

  @Test
  void theFlagsSetTheLimits() {
    ReceiverLimits l =
        parse(
                "serve",
                "--max-request-body-size",
                "1KiB",
                "--max-concurrent-requests",
                "2",
                "--read-timeout",
                "500ms",
                "--idle-timeout",
                "2s")
            .receiverLimits();
    assertThat(l)
        .isEqualTo(new ReceiverLimits(1024, 2, Duration.ofMillis(500), Duration.ofSeconds(2)));
    assertThat(parse("serve", "--max-body", "2KiB").receiverLimits().maxRequestBodyBytes())
        .isEqualTo(2048);
  }

  @Test
  void outOfRangeValuesAreUsageErrorsNamingTheFlag() {
    assertThat(run("serve", "--max-concurrent-requests", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--max-concurrent-requests must be 1..1024: 0");
    assertThat(run("serve", "--read-timeout", "90m")).isEqualTo(2);
    assertThat(err.toString()).contains("--read-timeout must be 1ms..1h");
    assertThat(run("serve", "--idle-timeout", "0s")).isEqualTo(2);
    assertThat(err.toString()).contains("--idle-timeout must be 1ms..1h");
    assertThat(run("serve", "--max-request-body-size", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--max-request-body-size");
  }
}
