package io.isostack.correlator.cli;

import io.isostack.correlator.lab.Fault;
import io.isostack.correlator.lab.FaultLab;
import io.isostack.correlator.lab.HostTools;
import io.isostack.correlator.lab.Recorder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code correlator record}: records one real case of the corpus on this machine (the lab's fault,
 * the services under the OpenTelemetry Java agent, the producers' raw output) into a directory.
 */
@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description = {
      "Records a real case for samples/data/real-*: induces the lab's fault on",
      "this machine, runs the sample services under the OpenTelemetry Java agent",
      "(spans captured in the Collector file exporter's OTLP/JSON framing), runs",
      "each producer with its raw output in its own file, drives load before and",
      "with the fault, and writes recording.json and expected.json. Needs root."
    })
final class RecordCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--fault",
      required = true,
      paramLabel = "FAULT",
      converter = DemoCommand.FaultConverter.class,
      description =
          "cpu-throttle, retransmit, disk, virtqueue, seccomp, oom or none (crun-throttle and"
              + " gvisor-syscalls: samples/record/record-oci.sh).")
  Fault fault;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "The case dir.")
  Path out;

  @Option(names = "--host", defaultValue = "vm", description = "host.name (${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "18281",
      description = "The backend's port; the frontend's is the one below (${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--net",
      defaultValue = "202",
      description = "Second octet of the 10.x.n.0/24 a network fault creates (${DEFAULT-VALUE}).")
  int net;

  @Option(names = "--container", description = "Run the backend as a docker-style container.")
  boolean container;

  @Option(
      names = "--write-iops-cap",
      defaultValue = "0",
      description = "Cap the shared disk's write IOPS (0: none).")
  int iops;

  @Option(
      names = "--cpu-hogs",
      defaultValue = "0",
      description = "CPU-bound processes loading the host.")
  int hogs;

  @Option(
      names = "--cpu-hogs-nice",
      defaultValue = "0",
      description = "The CPU-bound processes' nice value (${DEFAULT-VALUE}).")
  int hogNice;

  @Option(
      names = "--plain",
      split = ",",
      paramLabel = "SCRIPT",
      description = "bpftrace scripts run as plain text, e.g. sched.bt.")
  List<String> plain = List.of();

  @Option(
      names = "--extra",
      paramLabel = "FILE=COMMAND",
      description = "A further producer; its stdout goes to FILE in the case directory.")
  List<String> extra = List.of();

  @Option(
      names = "--agent",
      defaultValue = "correlator/target/otel/opentelemetry-javaagent.jar",
      description = "The OpenTelemetry Java agent (${DEFAULT-VALUE}).")
  Path agent;

  @Option(
      names = "--samples",
      defaultValue = "samples",
      description = "The project's samples directory (${DEFAULT-VALUE}).")
  Path samples;

  @Option(names = "--rps", defaultValue = "4", description = "Requests/s (${DEFAULT-VALUE}).")
  double rps;

  @Option(
      names = "--before",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Load before the fault (${DEFAULT-VALUE}).")
  long beforeNanos;

  @Option(
      names = "--during",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Load with the fault, at least (${DEFAULT-VALUE}).")
  long duringNanos;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (fault.inOciContainer()) {
      err.println(
          "correlator record: the backend of "
              + fault.cliName()
              + " runs in an OCI container, which the Java agent is not in: record it with"
              + " samples/record/record-oci.sh");
      err.flush();
      return 2;
    }
    String missing = HostTools.missingFor(fault, samples);
    if (missing != null) {
      err.println("correlator record: " + missing);
      err.flush();
      return 1;
    }
    FaultLab lab =
        new FaultLab(samples, Path.of(System.getProperty("java.io.tmpdir")), "correlator-record");
    Thread undo = new Thread(() -> closeQuietly(lab, err), "correlator-record-cleanup");
    Runtime.getRuntime().addShutdownHook(undo);
    try {
      Recorder.Plan plan =
          new Recorder.Plan(
              fault,
              out,
              host,
              port,
              net,
              container,
              iops,
              hogs,
              hogNice,
              plain,
              extra,
              agent,
              rps,
              Duration.ofNanos(beforeNanos),
              Duration.ofNanos(duringNanos));
      String outcome =
          new Recorder(
                  lab,
                  line -> {
                    err.println("record: " + line);
                    err.flush();
                  })
              .record(plan);
      err.println("record: done: " + outcome + "; logs in " + lab.logs());
      err.flush();
      return 0;
    } finally {
      closeQuietly(lab, err);
      Runtime.getRuntime().removeShutdownHook(undo);
    }
  }

  private static void closeQuietly(FaultLab lab, PrintWriter err) {
    try {
      lab.close();
    } catch (Exception e) {
      err.println("correlator record: " + e.getMessage());
      err.flush();
    }
  }
}
