package io.isostack.correlator.demo;

import io.isostack.clock.ClockConverter;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.finding.FindingText;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.report.AnalysisReport;
import io.isostack.correlator.report.ReportWriter;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.server.LiveServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One run of the workshop demo: prepares the fault, starts the correlator in this process with the
 * fault's eBPF producers, starts the sample services in their own JVMs, warms them up, induces the
 * fault, drives load while printing the live verdicts, and writes the report. Everything it starts
 * or creates is registered with the {@link DemoLab}, which undoes it. Not thread-safe.
 */
public final class DemoRun {
  private static final int STEPS = 7;
  private static final String HOST = "demo";

  /** What the run reports as it goes. */
  public interface Listener {
    /** A step begins. */
    void step(int n, int of, String what);

    /** Progress within a step. */
    void status(String text);

    /** A live verdict line. */
    void verdict(String line);
  }

  /**
   * What the run found.
   *
   * @param fault the induced fault
   * @param findings the findings for spans that started after the fault was induced
   * @param before findings for spans of the warm-up and of the fault-free start
   */
  public record Result(Fault fault, List<Finding> findings, int before) {
    /** A closing paragraph: the verdicts by kind and whether the expected one came. */
    public String summary() {
      Map<String, Integer> byVerdict = new TreeMap<>();
      for (Finding f : findings) {
        String v = f.layer().code() + (f.network() ? " network" : "") + " " + f.cause();
        byVerdict.merge(v, 1, Integer::sum);
      }
      return "fault "
          + fault.cliName()
          + " (expected: "
          + fault.expected()
          + "): "
          + findings.size()
          + " slow hop"
          + (findings.size() == 1 ? "" : "s")
          + " after the fault"
          + (byVerdict.isEmpty() ? "" : ", " + byVerdict);
    }
  }

  private final Fault fault;
  private final Path samples;
  private final DemoLab lab;
  private final ClockConverter clocks;
  private final Listener listener;

  /**
   * Prepares a run.
   *
   * @param fault the fault to induce
   * @param samples the project's {@code samples} directory
   * @param lab where everything started is registered for undoing
   * @param clocks clock offsets for the producers' streams
   * @param listener progress and verdicts
   */
  public DemoRun(Fault fault, Path samples, DemoLab lab, ClockConverter clocks, Listener listener) {
    this.fault = fault;
    this.samples = samples;
    this.lab = lab;
    this.clocks = clocks;
    this.listener = listener;
  }

  /**
   * What this machine lacks for the fault, or null when it has everything.
   *
   * @param fault the fault
   * @param samples the project's {@code samples} directory
   */
  public static String missingPrerequisite(Fault fault, Path samples) throws IOException {
    if (!HostTools.isRoot()) {
      return "needs root (eBPF producers, cgroups, namespaces)";
    }
    if (!Files.isDirectory(Path.of("/sys/kernel/tracing/events/sched"))) {
      return "needs tracefs: mount -t tracefs nodev /sys/kernel/tracing";
    }
    if (!HostTools.onPath("bpftrace")) {
      return "needs bpftrace: apt-get install bpftrace";
    }
    if (!Files.isRegularFile(samples.resolve("target/sample-app.jar"))) {
      return "needs the sample services: mvn -q -DskipTests package (looked for "
          + samples.resolve("target/sample-app.jar")
          + ")";
    }
    if (fault == Fault.RETRANSMIT && !(HostTools.onPath("ip") && HostTools.onPath("iptables"))) {
      return "the retransmit fault needs iproute2 and iptables";
    }
    if (fault == Fault.SECCOMP && !Files.isExecutable(Path.of("/usr/bin/python3"))) {
      return "the seccomp fault needs python3 and python3-seccomp";
    }
    return null;
  }

  /**
   * Runs the demo.
   *
   * @param rps requests per second while the fault is on
   * @param duration how long the fault is on
   * @param report where to write the report (HTML, or JSON when the name ends in .json)
   * @return what was found
   */
  public Result run(double rps, Duration duration, Path report) throws Exception {
    Path work = Files.createDirectories(lab.logs().resolve("work"));
    lab.onClose(() -> DemoLab.deleteTree(work));
    Setup s = new Setup(samples.resolve("ebpf"), HOST, work);
    listener.step(1, STEPS, "preparing the fault: " + fault.cliName());
    fault.prepare(lab, s);

    listener.step(
        2, STEPS, "starting the correlator with " + s.producers.size() + " eBPF producers");
    List<LiveFinding> live = new CopyOnWriteArrayList<>();
    AnalyzerSettings analysis = AnalyzerSettings.defaults().withDefaultHost(HOST);
    LiveAnalyzer engine =
        new LiveAnalyzer(
            RuleTable.defaults(),
            LiveSettings.defaults(analysis),
            () -> System.currentTimeMillis() * 1_000_000L,
            f -> {
              live.add(f);
              listener.verdict(FindingText.verdict(f.finding()));
            });
    LiveServer server =
        new LiveServer(
            engine,
            clocks,
            new LiveServer.Settings(s.bind, 0, 0, 64 << 20, true, List.of(), s.producers, HOST));
    server.start();
    lab.onClose(server::close);
    if (!DemoLab.await(Duration.ofSeconds(60), () -> engine.stats().eventsReceived() > 0)) {
      throw new IOException("no kernel events from the producers in 60 s; see " + lab.logs());
    }
    String otlp = "http://" + s.bind + ":" + server.grpcPort();

    listener.step(3, STEPS, "starting the sample services (frontend → backend)");
    Process backend =
        service(
            "backend",
            s.backendAddress,
            Fault.BACKEND_PORT,
            s.backendPrefix,
            concat(List.of("--otlp-endpoint", otlp, "--bind", s.backendAddress), s.backendArgs));
    service(
        "frontend",
        "127.0.0.1",
        Fault.FRONTEND_PORT,
        List.of(),
        List.of(
            "--otlp-endpoint",
            otlp,
            "--backend",
            "http://" + s.backendAddress + ":" + Fault.BACKEND_PORT));
    URI checkout = URI.create("http://127.0.0.1:" + Fault.FRONTEND_PORT + "/checkout");

    listener.step(4, STEPS, "warming up (unsampled requests) and measuring the baseline");
    lab.drive(checkout, 10, Duration.ofSeconds(4), false, 4, n -> listener.status(n + " sent"));
    lab.drive(checkout, rps, Duration.ofSeconds(3), true, 4, n -> listener.status(n + " sent"));

    listener.step(5, STEPS, "inducing the fault: " + fault.cliName());
    long faultStart = System.currentTimeMillis() * 1_000_000L;
    fault.induce(lab, s, backend);

    listener.step(6, STEPS, "driving load for " + duration.toSeconds() + " s; live verdicts:");
    lab.drive(
        checkout,
        rps,
        duration,
        true,
        4,
        n -> listener.status(n + " requests sent, " + live.size() + " findings"));

    listener.step(7, STEPS, "waiting for the last traces to complete");
    Thread.sleep(2_000);
    List<Finding> after = new ArrayList<>();
    int before = 0;
    for (LiveFinding f : live) {
      if (f.finding().span().startEpochNanos() >= faultStart) {
        after.add(f.finding());
      } else {
        before++;
      }
    }
    InputSummary input = new InputSummary();
    input.spans("OTLP/gRPC", engine.stats().spansReceived());
    input.events("eBPF producers", engine.stats().eventsReceived());
    ReportWriter.write(
        new AnalysisReport(
            after,
            input,
            (int) engine.stats().tracesEvaluated(),
            0,
            engine.stats().eventsHeld(),
            0),
        report);
    return new Result(fault, after, before);
  }

  private Process service(
      String role, String address, int port, List<String> prefix, List<String> args)
      throws Exception {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-jar",
            samples.resolve("target/sample-app.jar").toString(),
            role,
            "--port",
            Integer.toString(port),
            "--host",
            HOST));
    cmd.addAll(args);
    Process p = lab.start(role, cmd);
    if (!DemoLab.await(Duration.ofSeconds(60), () -> DemoLab.listening(address, port))) {
      throw new IOException(role + " did not start; see " + lab.logs().resolve(role + ".log"));
    }
    return p;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
