package io.isostack.correlator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code correlator} command line: entry point and subcommands. */
@Command(
    name = "correlator",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Locates slow requests on two axes: which hop of the trace (horizontal, OTLP spans)",
      "and which isolation layer under it (vertical, eBPF kernel events)."
    },
    subcommands = {
      AnalyzeCommand.class,
      DemoCommand.class,
      RecordCommand.class,
      ScoreCommand.class,
      ServeCommand.class,
      StreamCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CorrelatorCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line and exits with its code: 0 when the work ran, 1 when no input could be
   * read or nothing valid was found, 2 on usage errors.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The configured command line: an unknown option after a multi-value option such as {@code
   * --traces} is a usage error, not one more file name.
   */
  public static CommandLine commandLine() {
    return new CommandLine(new CorrelatorCommand())
        .setUnmatchedOptionsAllowedAsOptionParameters(false);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }
}
