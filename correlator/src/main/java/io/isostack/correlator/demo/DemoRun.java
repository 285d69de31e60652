package io.isostack.correlator.demo;

import io.isostack.clock.ClockConverter;
import io.isostack.correlator.engine.AnalyzerSettings;
import io.isostack.correlator.engine.LiveAnalyzer;
import io.isostack.correlator.engine.LiveFinding;
import io.isostack.correlator.engine.LiveSettings;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.finding.FindingText;
import io.isostack.correlator.lab.Fault;
import io.isostack.correlator.lab.FaultLab;
import io.isostack.correlator.lab.FaultSetup;
import io.isostack.correlator.lab.Induction;
import io.isostack.correlator.lab.Load;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.report.AnalysisReport;
import io.isostack.correlator.report.ReportWriter;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.correlator.server.LiveServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One run of the workshop demo: prepares the fault, starts the correlator in this process with the
 * fault's eBPF producers, starts the sample services in their own JVMs, warms them up, induces the
 * fault (strengthening it until the requests are measurably slow, {@link Induction}), drives load
 * while printing the live verdicts, and writes the report. Everything it starts or creates is
 * registered with the {@link FaultLab}, which undoes it. Not thread-safe.
 */
public final class DemoRun {
  private static final int STEPS = 7;
  private static final String HOST = "demo";
  private static final int BACKEND_PORT = 18981;

  /** Slowed requests after which the fault is strong enough to be shown. */
  private static final int SLOWED_NEEDED = 3;

  /** What the run reports as it goes. */
  public interface Listener {
    /** A step begins. */
    void step(int n, int of, String what);

    /** Progress within a step. */
    void status(String text);

    /** A live verdict line. */
    void verdict(String line);

    /** A line about the fault (strengthened, or how strong it got). */
    void note(String line);
  }

  /**
   * What the run found.
   *
   * @param fault the induced fault
   * @param findings the findings for spans that started after the fault was induced
   * @param before findings for spans of the warm-up and of the fault-free start
   * @param induction how strong the fault got and how many requests it slowed
   */
  public record Result(
      Fault fault, List<Finding> findings, int before, Induction.Outcome induction) {
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
          + (byVerdict.isEmpty() ? "" : ", " + byVerdict)
          + "\n"
          + induction.describe();
    }
  }

  private final Fault fault;
  private final FaultLab lab;
  private final ClockConverter clocks;
  private final Listener listener;

  /**
   * Prepares a run.
   *
   * @param fault the fault to induce
   * @param lab where everything started is registered for undoing
   * @param clocks clock offsets for the producers' streams
   * @param listener progress and verdicts
   */
  public DemoRun(Fault fault, FaultLab lab, ClockConverter clocks, Listener listener) {
    this.fault = fault;
    this.lab = lab;
    this.clocks = clocks;
    this.listener = listener;
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
    FaultSetup s = FaultSetup.create(lab, HOST, "demo", 203, BACKEND_PORT);
    listener.step(1, STEPS, "preparing the fault: " + fault.cliName());
    fault.prepare(lab, s);

    listener.step(
        2, STEPS, "starting the correlator with " + s.producers().size() + " eBPF producers");
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
            new LiveServer.Settings(
                s.bind(), 0, 0, 64 << 20, true, s.events(), s.producers(), HOST));
    server.start();
    lab.onClose(server::close);
    if (!FaultLab.await(Duration.ofSeconds(120), () -> engine.stats().eventsReceived() > 0)) {
      throw new IOException("no kernel events from the producers in 120 s; see " + lab.logs());
    }
    List<String> otlp = List.of("--otlp-endpoint", "http://" + s.bind() + ":" + server.grpcPort());

    listener.step(3, STEPS, "starting the sample services (frontend → backend)");
    Process backend = lab.backend(s, List.of(), otlp);
    lab.frontend(s, List.of(), otlp);

    listener.step(4, STEPS, "warming up (unsampled requests) and measuring the baseline");
    Load load = new Load();
    load.drive(
        s.checkout(), 10, Duration.ofSeconds(4), false, 4, n -> listener.status(n + " sent"));
    Load.Result baseline =
        load.drive(
            s.checkout(), rps, Duration.ofSeconds(3), true, 4, n -> listener.status(n + " sent"));

    listener.step(5, STEPS, "inducing the fault: " + fault.cliName());
    listener.step(6, STEPS, "driving load for " + duration.toSeconds() + " s; live verdicts:");
    Induction.Probe probe =
        new Induction.Probe(
            s.checkout(),
            rps,
            Duration.ofSeconds(4),
            4,
            analysis.slowThresholdNanos(),
            fault.slowsRequests() ? SLOWED_NEEDED : 0,
            duration);
    Induction.Outcome induced =
        new Induction(lab, load, Clock.systemUTC())
            .run(
                fault,
                s,
                backend,
                probe,
                baseline,
                listener::note,
                n -> listener.status(n + " requests sent, " + live.size() + " findings"));

    listener.step(7, STEPS, "waiting for the last traces to complete");
    long traces = (long) baseline.answered() + induced.answered();
    if (!FaultLab.await(Duration.ofSeconds(60), () -> engine.stats().tracesEvaluated() >= traces)) {
      listener.note("not every trace was evaluated in 60 s; the report has those that were");
    }
    List<Finding> after = new ArrayList<>();
    int before = 0;
    for (LiveFinding f : live) {
      if (f.finding().span().startEpochNanos() >= induced.startEpochNanos()) {
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
    return new Result(fault, after, before, induced);
  }
}
