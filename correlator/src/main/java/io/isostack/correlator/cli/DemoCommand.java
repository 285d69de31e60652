package io.isostack.correlator.cli;

import io.isostack.clock.ClockConverter;
import io.isostack.correlator.demo.DemoRun;
import io.isostack.correlator.lab.Fault;
import io.isostack.correlator.lab.FaultLab;
import io.isostack.correlator.lab.HostTools;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code correlator demo}: the workshop command. On a root Linux machine it starts the sample
 * services, the bpftrace producers and the correlator, induces a real fault, drives load, prints
 * the live verdicts, writes the report and removes everything it created.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Shows a fault being located live on this machine's real kernel events: starts the sample",
      "frontend and backend, the eBPF producers and the correlator, induces the fault, drives",
      "load, prints the verdicts as they come, writes the report and cleans up everything.",
      "Needs root, bpftrace and tracefs (Linux); retransmit needs iproute2 and iptables,",
      "seccomp needs python3-seccomp, virtqueue fio, crun-throttle crun, gvisor-syscalls runsc."
    })
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--fault",
      required = true,
      paramLabel = "FAULT",
      converter = FaultConverter.class,
      description =
          "cpu-throttle, retransmit, disk, virtqueue, seccomp, oom, crun-throttle, gvisor-syscalls"
              + " or none.")
  Fault fault;

  @Option(
      names = "--duration",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description = "How long to drive load with the fault on (default: ${DEFAULT-VALUE}).")
  long durationNanos;

  @Option(
      names = "--rps",
      defaultValue = "3",
      description = "Requests per second to the frontend (default: ${DEFAULT-VALUE}).")
  double rps;

  @Option(
      names = "--report",
      defaultValue = "demo-report.html",
      paramLabel = "FILE",
      description = "Where to write the report of the findings (default: ${DEFAULT-VALUE}).")
  Path report;

  @Option(
      names = "--samples",
      defaultValue = "samples",
      paramLabel = "DIR",
      description =
          "The project's samples directory: sample services jar (target/sample-app.jar)"
              + " and eBPF producers (ebpf/) (default: ${DEFAULT-VALUE}).")
  Path samples;

  @Override
  public Integer call() throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String missing = HostTools.missingFor(fault, samples);
    if (missing != null) {
      err.println("correlator demo: " + missing);
      err.flush();
      return 1;
    }
    Progress progress = new Progress(err, Progress.onTerminal());
    FaultLab lab =
        new FaultLab(samples, Path.of(System.getProperty("java.io.tmpdir")), "correlator-demo");
    Thread undo = new Thread(() -> closeQuietly(lab), "correlator-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(undo);
    try {
      DemoRun run =
          new DemoRun(
              fault,
              lab,
              new ClockConverter(),
              new DemoRun.Listener() {
                @Override
                public void step(int n, int of, String what) {
                  progress.step(n, of, what);
                }

                @Override
                public void status(String text) {
                  progress.status(text);
                }

                @Override
                public void verdict(String line) {
                  progress.println(out, "  " + line);
                }

                @Override
                public void note(String line) {
                  progress.println(out, line);
                }
              });
      DemoRun.Result result = run.run(rps, Duration.ofNanos(durationNanos), report);
      progress.done();
      out.println();
      out.println(result.summary());
      out.println("report: " + report.toAbsolutePath() + "   logs: " + lab.logs());
      out.flush();
      return 0;
    } finally {
      progress.done();
      closeQuietly(lab);
      Runtime.getRuntime().removeShutdownHook(undo);
    }
  }

  private static void closeQuietly(FaultLab lab) {
    try {
      lab.close();
    } catch (Exception e) {
      System.err.println("correlator demo: " + e.getMessage());
    }
  }

  /** Parses {@code --fault} names. */
  static final class FaultConverter implements CommandLine.ITypeConverter<Fault> {
    @Override
    public Fault convert(String value) {
      for (Fault f : Fault.values()) {
        if (f.cliName().equals(value)) {
          return f;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'"
              + value
              + "' is not one of "
              + String.join(
                  ", ", java.util.Arrays.stream(Fault.values()).map(Fault::cliName).toList()));
    }
  }
}
