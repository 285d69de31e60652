package io.isostack.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The live bench of issue 11: {@code correlator serve} in its own JVM, fed by the OpenTelemetry
 * Java SDK ({@link LiveLoad}: {@code BatchSpanProcessor} → {@code OtlpGrpcSpanExporter}) with
 * kernel events over HTTP at a proportional rate, in rate steps until a step is not sustained: a
 * refusal, a span or event dropped, less than 90 % of the offered rate acknowledged within the step
 * (flush included), or a finding-delay p99 of a second or more; then, at 80 % of the last sustained
 * rate, alternately {@code serve} and the baseline, a minimal OTLP/gRPC receive → export
 * pass-through ({@link OtlpPassThrough}) fed the same spans, each in a fresh JVM, warmed up, then
 * measured twice, warm and steady ({@code serve} twice: with the kernel events, and with spans
 * only, as the pass-through gets). Prints the sustainable spans/s, spans per CPU-second of each
 * server process ({@code /proc/PID/stat}, user + system: the figure that holds on a shared machine)
 * and the share of it its JIT compiler threads took, the ratio to the pass-through and to the
 * OpenTelemetry Collector's published ≈ 160 k spans per CPU-second for OTLP receive → export, and
 * the finding delay p50/p99 ({@link FindingDelays}) at 80 % of the rate, with the load average.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.isostack.benchmarks.LiveBench
 * [--start SPANS_PER_S] [--step SPANS_PER_S] [--max SPANS_PER_S] [--step-seconds S]
 * [--warmup-seconds S] [--measure-seconds S] [--steady-seconds S] [--repeat N] [--clients N]
 * [--events-per-span X] [--slow-every N] [--heap SIZE] [--runs LIST]}; defaults 10 000, 10 000, 400
 * 000, 15, 10, 20, 120, 3, 4, 1, 1000, 1g, {@code serve,serve-spans,pass-through} ({@code
 * --steady-seconds}: when a second window starts, on the same server, once the JIT compilers have
 * mostly finished, which they have not after 10 s: 0 for none; {@code --runs}: which of the three
 * measured runs each repetition makes, e.g. {@code serve-spans} alone to profile it; a run left out
 * shows as 0 in the summary, its ratios as NaN or Infinity). Exits 1 when not even the first step
 * was sustained (the 80 % runs then use the first step's rate).
 */
public final class LiveBench {
  /** The Collector's OTLP receive → export figure issue 11 compares with, spans per CPU-second. */
  private static final double COLLECTOR_SPANS_PER_CPU_SECOND = 160_000;

  private long start = 10_000;
  private long step = 10_000;
  private long max = 400_000;
  private double stepSeconds = 15;
  private double warmupSeconds = 10;
  private double measureSeconds = 20;
  private double steadySeconds = 120;
  private int repeat = 3;
  private int clients = 4;
  private double eventsPerSpan = 1;
  private int slowEvery = 1000;
  private String heap = "1g";
  private List<String> runs = List.of("serve", "serve-spans", "pass-through");

  private LiveBench() {}

  /**
   * Runs the bench.
   *
   * @param args see the class comment
   * @throws Exception if a server cannot be started
   */
  public static void main(String[] args) throws Exception {
    LiveBench b = new LiveBench();
    // Stopped early (Ctrl-C, SIGTERM): the servers it started go with it.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--start" -> b.start = Long.parseLong(v);
        case "--step" -> b.step = Long.parseLong(v);
        case "--max" -> b.max = Long.parseLong(v);
        case "--step-seconds" -> b.stepSeconds = Double.parseDouble(v);
        case "--warmup-seconds" -> b.warmupSeconds = Double.parseDouble(v);
        case "--measure-seconds" -> b.measureSeconds = Double.parseDouble(v);
        case "--steady-seconds" -> b.steadySeconds = Double.parseDouble(v);
        case "--repeat" -> b.repeat = Integer.parseInt(v);
        case "--clients" -> b.clients = Integer.parseInt(v);
        case "--events-per-span" -> b.eventsPerSpan = Double.parseDouble(v);
        case "--slow-every" -> b.slowEvery = Integer.parseInt(v);
        case "--heap" -> b.heap = v;
        case "--runs" -> b.runs = List.of(v.split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.exit(b.run() ? 0 : 1);
  }

  private boolean run() throws Exception {
    System.out.printf(
        Locale.ROOT,
        "LiveBench: %d CPUs, %s %s, server -Xmx%s, %d SDK clients, %.2f kernel events per span,"
            + " one trace in %d slow; load average %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        heap,
        clients,
        eventsPerSpan,
        slowEvery,
        ProcessCpu.loadAverage());
    try (SpanSink sink = new SpanSink()) {
      long sustained = ramp();
      if (sustained == 0) {
        System.out.printf(
            Locale.ROOT,
            "not even %,d spans/s was sustained; the CPU figures below are taken at 80 %% of it%n",
            start);
      }
      long rate = Math.max(sustained, start) * 8 / 10;
      System.out.printf(
          Locale.ROOT,
          "%nsustainable: %,d spans/s; at 80 %% = %,d spans/s, %d repetitions, serve then the"
              + " pass-through, each measured %.0f s from %.0f s after its load started (warm)"
              + "%s%n",
          sustained,
          rate,
          repeat,
          measureSeconds,
          warmupSeconds,
          hasSteadyWindow()
              ? " and from " + fmt(steadySeconds) + " s (steady)"
              : ", no steady window");
      System.out.println(
          "rep  server               spans/s  events/s  CPU-s  JIT %   spans/CPU-s  delay p50 ms"
              + "  p99 ms  n");
      Figures[] figures = {new Figures(repeat), new Figures(repeat)};
      for (int r = 0; r < repeat; r++) {
        int rep = r;
        if (runs.contains("serve")) {
          report(
              measureServe(rate, eventsPerSpan),
              rep,
              "serve",
              figures,
              (f, m) -> {
                f.delays.add(m.delays());
                f.serve[rep] = m.spansPerCpuSecond();
              });
        }
        if (runs.contains("serve-spans")) {
          report(
              measureServe(rate, 0),
              rep,
              "serve-spans",
              figures,
              (f, m) -> f.spansOnly[rep] = m.spansPerCpuSecond());
        }
        if (runs.contains("pass-through")) {
          report(
              measurePassThrough(rate, sink),
              rep,
              "pass-through",
              figures,
              (f, m) -> f.pass[rep] = m.spansPerCpuSecond());
        }
      }
      for (int i = 0; i < 2; i++) {
        if (i == 1 && !hasSteadyWindow()) {
          break;
        }
        figures[i].print(
            (i == 0 ? "warm, from " + fmt(warmupSeconds) : "steady, from " + fmt(steadySeconds))
                + " s",
            rate);
      }
      System.out.printf(Locale.ROOT, "load average at the end: %s%n", ProcessCpu.loadAverage());
      return sustained > 0;
    }
  }

  /** Steps the rate up on one server until a step is not sustained; returns the last that was. */
  private long ramp() throws Exception {
    System.out.println(
        "step  offered/s  acked/s  events/s  refused  dropped  CPU-s  spans/CPU-s  delay p99 ms "
            + " sustained");
    long last = 0;
    try (BenchServer server = BenchServer.start(heap, List.of(), List.of("--api"));
        LiveLoad load = load(server, eventsPerSpan);
        FindingDelays delays = new FindingDelays(server.httpPort())) {
      load.run(start, warmupSeconds);
      for (long rate = start; rate <= max; rate += step) {
        LiveLoad.Counts c0 = load.counts();
        double refused0 = server.metric("correlator_batches_refused_total", "");
        long cpu0 = ProcessCpu.nanos(server.pid());
        long t0 = System.currentTimeMillis() * 1_000_000L;
        long w0 = System.nanoTime();
        LiveLoad.Counts c = load.run(rate, stepSeconds).minus(c0);
        double wall = (System.nanoTime() - w0) / 1e9;
        double cpu = (ProcessCpu.nanos(server.pid()) - cpu0) / 1e9;
        long refused = (long) (server.metric("correlator_batches_refused_total", "") - refused0);
        long[] d = delays.between(t0, System.currentTimeMillis() * 1_000_000L);
        long p99 = FindingDelays.quantile(d, 0.99);
        long dropped = c.spansMade() - c.spansExported() + c.spansFailed() + c.eventsRefused();
        boolean ok =
            refused == 0
                && dropped == 0
                && c.spansMade() >= 0.95 * rate * stepSeconds
                && c.spansAcked() >= 0.95 * c.spansMade()
                && c.spansAcked() / wall >= 0.9 * rate
                && p99 < 1_000_000_000L;
        System.out.printf(
            Locale.ROOT,
            "%4d  %,9.0f  %,7.0f  %,8.0f  %7d  %7d  %5.1f  %,11.0f  %12.1f  %s%n",
            rate / 1000,
            c.spansMade() / stepSeconds,
            c.spansAcked() / wall,
            c.eventsAcked() / wall,
            refused,
            dropped,
            cpu,
            c.spansAcked() / cpu,
            p99 / 1e6,
            ok ? "yes" : "no");
        if (!ok) {
          break;
        }
        last = rate;
      }
    }
    return last;
  }

  private LiveLoad load(BenchServer server, double events) {
    return new LiveLoad(
        "http://127.0.0.1:" + server.grpcPort(),
        events > 0
            ? URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/kernel-events")
            : null,
        clients,
        events,
        slowEvery);
  }

  private static double[] collector(double[] spansPerCpuSecond) {
    return Arrays.stream(spansPerCpuSecond).map(v -> v / COLLECTOR_SPANS_PER_CPU_SECOND).toArray();
  }

  /** One measured run: spans and events acknowledged, the server's CPU, the finding delays. */
  private record Measured(
      double seconds,
      long spans,
      long events,
      double cpuSeconds,
      double jitCpuSeconds,
      long[] delays) {
    double spansPerCpuSecond() {
      return spans / cpuSeconds;
    }

    String row(int rep, String server) {
      return String.format(
          Locale.ROOT,
          "%3d  %-19s  %,8.0f  %,8.0f  %5.1f  %5.1f  %,12.0f  %12s  %6s  %d",
          rep,
          server,
          spans / seconds,
          events / seconds,
          cpuSeconds,
          100 * jitCpuSeconds / cpuSeconds,
          spansPerCpuSecond(),
          delays == null ? "-" : String.format(Locale.ROOT, "%.1f", quantileMs(0.50)),
          delays == null ? "-" : String.format(Locale.ROOT, "%.1f", quantileMs(0.99)),
          delays == null ? 0 : delays.length);
    }

    private double quantileMs(double q) {
      return FindingDelays.quantile(delays, q) / 1e6;
    }
  }

  /**
   * Prints a server's row for each of its windows ({@link #windows}) and hands each to {@code into}
   * with that window's figures.
   */
  private static void report(
      List<Measured> windows,
      int rep,
      String server,
      Figures[] figures,
      BiConsumer<Figures, Measured> into) {
    for (int i = 0; i < windows.size(); i++) {
      Measured m = windows.get(i);
      into.accept(figures[i], m);
      System.out.println(m.row(rep + 1, server + WINDOW[i]));
    }
  }

  private List<Measured> measureServe(long rate, double events) throws Exception {
    try (BenchServer server = BenchServer.start(heap, List.of(), List.of("--api"));
        LiveLoad load = load(server, events);
        FindingDelays delays = new FindingDelays(server.httpPort())) {
      return windows(load, rate, () -> window(load, server.pid(), rate, delays));
    }
  }

  private List<Measured> measurePassThrough(long rate, SpanSink sink) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx" + heap,
                "-cp",
                System.getProperty("java.class.path"),
                OtlpPassThrough.class.getName(),
                Integer.toString(sink.port()))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.contains(":")) {
        throw new IOException("the pass-through did not start");
      }
      String endpoint = "http://127.0.0.1:" + line.substring(line.lastIndexOf(':') + 1).trim();
      try (LiveLoad load = new LiveLoad(endpoint, null, clients, 0, slowEvery)) {
        return windows(
            load,
            rate,
            () -> {
              long forwarded0 = sink.requests();
              Measured m = window(load, p.pid(), rate, null);
              if (sink.requests() == forwarded0) {
                throw new IOException("the pass-through forwarded nothing to the sink");
              }
              return m;
            });
      }
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** Whether {@code --steady-seconds} leaves room for a second window after the first. */
  private boolean hasSteadyWindow() {
    return steadySeconds > 0 && steadySeconds >= warmupSeconds + measureSeconds;
  }

  /** One measured window, as the caller takes it. */
  @FunctionalInterface
  private interface Window {
    Measured measure() throws Exception;
  }

  /**
   * The warm-up, the warm window, the load kept on until the steady window is due, the steady
   * window: the warm one from {@code --warmup-seconds} after the load started, the steady one from
   * {@code --steady-seconds} (none when that is 0 or falls inside the warm window).
   */
  private List<Measured> windows(LiveLoad load, long rate, Window window) throws Exception {
    load.run(rate, warmupSeconds);
    Measured warm = window.measure();
    if (!hasSteadyWindow()) {
      return List.of(warm);
    }
    load.run(rate, steadySeconds - warmupSeconds - measureSeconds);
    return List.of(warm, window.measure());
  }

  /**
   * Measures {@code --measure-seconds} at {@code rate}: spans and events acknowledged, the
   * process's CPU time and its JIT compiler threads' share, and (with {@code delays}) the finding
   * delays.
   */
  private Measured window(LiveLoad load, long pid, long rate, FindingDelays delays)
      throws Exception {
    LiveLoad.Counts c0 = load.counts();
    long cpu0 = ProcessCpu.nanos(pid);
    Map<Long, Long> jit0 = ProcessCpu.jitNanos(pid);
    long t0 = System.currentTimeMillis() * 1_000_000L;
    long w0 = System.nanoTime();
    LiveLoad.Counts c = load.run(rate, measureSeconds).minus(c0);
    double wall = (System.nanoTime() - w0) / 1e9;
    double cpu = (ProcessCpu.nanos(pid) - cpu0) / 1e9;
    double jit = ProcessCpu.jitNanosSince(jit0, ProcessCpu.jitNanos(pid)) / 1e9;
    long[] d = null;
    if (delays != null) {
      // The findings of the last traces (idle time, a poll), the kernel events still flowing.
      load.eventsOnly(rate, 1.5);
      d = delays.between(t0, System.currentTimeMillis() * 1_000_000L);
    }
    return new Measured(wall, c.spansAcked(), c.eventsAcked(), cpu, jit, d);
  }

  /** The row label suffix of each window. */
  private static final String[] WINDOW = {"", " steady"};

  private static String fmt(double seconds) {
    return String.format(Locale.ROOT, "%.0f", seconds);
  }

  /** One window's figures over the repetitions, and their summary. */
  private static final class Figures {
    final double[] serve;
    final double[] spansOnly;
    final double[] pass;
    final List<long[]> delays = new ArrayList<>();

    Figures(int repeat) {
      serve = new double[repeat];
      spansOnly = new double[repeat];
      pass = new double[repeat];
    }

    void print(String window, long rate) {
      long[] pooled = delays.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      double[] ratio = new double[serve.length];
      double[] ratioSpansOnly = new double[serve.length];
      for (int r = 0; r < serve.length; r++) {
        ratio[r] = serve[r] / pass[r];
        ratioSpansOnly[r] = spansOnly[r] / pass[r];
      }
      System.out.printf(
          Locale.ROOT,
          "%n%s: spans per CPU-second (min/median/max)%n"
              + "  serve, spans + kernel events:             %s%n"
              + "  serve, spans only:                        %s%n"
              + "  pass-through (same run, same spans):      %s%n"
              + "ratio serve / pass-through:                 %s (spans only: %s)%n"
              + "ratio serve / Collector's published 160 k:  %s (spans only: %s)%n"
              + "finding delay at %,d spans/s, %d findings: p50 %.1f ms, p99 %.1f ms (goal p99"
              + " <= 50 ms)%n",
          window,
          spread(serve, "%,.0f"),
          spread(spansOnly, "%,.0f"),
          spread(pass, "%,.0f"),
          spread(ratio, "%.2f"),
          spread(ratioSpansOnly, "%.2f"),
          spread(collector(serve), "%.2f"),
          spread(collector(spansOnly), "%.2f"),
          rate,
          pooled.length,
          FindingDelays.quantile(pooled, 0.50) / 1e6,
          FindingDelays.quantile(pooled, 0.99) / 1e6);
    }
  }

  private static String spread(double[] values, String format) {
    double[] s = values.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, format, s[0])
        + " / "
        + String.format(Locale.ROOT, format, s[s.length / 2])
        + " / "
        + String.format(Locale.ROOT, format, s[s.length - 1]);
  }
}
