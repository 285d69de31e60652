package io.isostack.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line built for one subcommand's arguments behaves as the one with every subcommand:
 * the same names, help, errors and exit codes.
 */
class CorrelatorCommandTest {
  private record Result(int exitCode, String out, String err) {}

  private static Result run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Result(cli.execute(args), out.toString(), err.toString());
  }

  @Test
  void theSubcommandNamesAreThoseOfTheirAnnotations() {
    for (Map.Entry<String, Class<?>> e : CorrelatorCommand.SUBCOMMANDS.entrySet()) {
      assertThat(e.getValue().getAnnotation(Command.class).name()).isEqualTo(e.getKey());
    }
    assertThat(CorrelatorCommand.commandLine().getSubcommands().keySet())
        .containsExactlyElementsOf(CorrelatorCommand.SUBCOMMANDS.keySet());
  }

  @Test
  void aNamedSubcommandIsBuiltAlone() {
    assertThat(CorrelatorCommand.commandLine(new String[] {"analyze", "--help"}).getSubcommands())
        .containsOnlyKeys("analyze");
    assertThat(CorrelatorCommand.commandLine(new String[] {"help", "analyze"}).getSubcommands())
        .hasSize(CorrelatorCommand.SUBCOMMANDS.size());
    assertThat(CorrelatorCommand.commandLine(new String[] {"--help"}).getSubcommands())
        .hasSize(CorrelatorCommand.SUBCOMMANDS.size());
    assertThat(CorrelatorCommand.commandLine(new String[0]).getSubcommands())
        .hasSize(CorrelatorCommand.SUBCOMMANDS.size());
  }

  @Test
  void helpErrorsAndExitCodesAreThoseOfTheFullCommandLine() {
    String[][] cases = {
      {"analyze", "--help"},
      {"serve", "--help"},
      {"analyze", "--no-such-option"},
      {"analyze", "--traces", "a.jsonl", "--bogus"},
      {"score", "--version"},
      {"help", "stream"},
      {"no-such-command"},
      {}
    };
    for (String[] args : cases) {
      Result full = run(CorrelatorCommand.commandLine(), args);
      Result alone = run(CorrelatorCommand.commandLine(args), args);
      assertThat(alone).as(String.join(" ", args)).isEqualTo(full);
    }
  }
}
