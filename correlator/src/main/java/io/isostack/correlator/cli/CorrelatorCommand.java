package io.isostack.correlator.cli;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    })
public final class CorrelatorCommand implements Runnable {
  /**
   * The subcommands by their {@code @Command} names, in the order the usage help lists them: the
   * names are spelled here too, so that finding the one to run reads no class's annotations.
   */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line and exits with its code: 0 when the work ran, 1 when no input could be
   * read or nothing valid was found, 2 on usage errors.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /**
   * The configured command line with every subcommand: an unknown option after a multi-value option
   * such as {@code --traces} is a usage error, not one more file name.
   */
  public static CommandLine commandLine() {
    return configured(SUBCOMMANDS.values());
  }

  /**
   * The command line that runs {@code args}: when the first argument names a subcommand other than
   * {@code help}, only that subcommand is built, as picocli builds the model of every registered
   * subcommand up front (the five others cost a short {@code analyze} about 22 ms of its main
   * thread's 100 ms of picocli, benchmarks/README.md); otherwise {@link #commandLine()}. Parsing,
   * help and errors are those of the full command line.
   *
   * @param args the arguments {@link #main} was given
   */
  static CommandLine commandLine(String[] args) {
    Class<?> named = args.length > 0 ? SUBCOMMANDS.get(args[0]) : null;
    return named == null || named == CommandLine.HelpCommand.class
        ? commandLine()
        : configured(List.of(named));
  }

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("analyze", AnalyzeCommand.class);
    m.put("demo", DemoCommand.class);
    m.put("record", RecordCommand.class);
    m.put("score", ScoreCommand.class);
    m.put("serve", ServeCommand.class);
    m.put("stream", StreamCommand.class);
    m.put("help", CommandLine.HelpCommand.class);
    return Collections.unmodifiableMap(m);
  }

  private static CommandLine configured(Collection<Class<?>> subcommands) {
    CommandLine cli = new CommandLine(new CorrelatorCommand());
    subcommands.forEach(cli::addSubcommand);
    return cli.setUnmatchedOptionsAllowedAsOptionParameters(false);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }
}
