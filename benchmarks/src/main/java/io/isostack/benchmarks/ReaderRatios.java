package io.isostack.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Each reader against its raw-parser baseline, as ratios measured in one run (issue 11), timed in
 * the decoding thread's CPU time rather than wall time: on a shared machine (other builds, a kernel
 * recording) the wall-clock figures of JMH swing by an order of magnitude from one second to the
 * next, while the CPU time one invocation needs does not. The reader and its baseline run
 * alternately on the same bytes (the JMH benchmark classes' own state), each invocation timed
 * alone; a round takes the median of {@value #PER_ROUND} invocations of each and prints both
 * figures and their ratio, then the ratios' min/median/max over the rounds.
 *
 * <p>Usage: {@code java -Xms1g -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.isostack.benchmarks.ReaderRatios [ROUNDS [READER]]} (default 5 rounds; READER, e.g. {@code
 * OTLP}, keeps only the pairs whose reader's name contains it). Prints to standard output: it is a
 * measuring tool.
 */
public final class ReaderRatios {
  private static final int PER_ROUND = 5;
  private static final int WARMUP = 30;
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
  private static final Blackhole BH =
      new Blackhole(
          "Today's password is swordfish. I understand instantiating Blackholes directly is"
              + " dangerous.");

  private ReaderRatios() {}

  /** One measured operation and how many records it handles. */
  private record Op(String name, long records, Body body) {}

  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }

  /**
   * Runs the pairs.
   *
   * @param args optional: rounds (default 5), then a part of the reader's name to run only its
   *     pairs
   * @throws Exception if a benchmark fails
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    KernelEventReaderBenchmark k = new KernelEventReaderBenchmark();
    k.setUp();
    OtlpJsonTraceReaderBenchmark j = new OtlpJsonTraceReaderBenchmark();
    j.setUp();
    OtlpProtoTraceReaderBenchmark p = new OtlpProtoTraceReaderBenchmark();
    p.setUp();
    long ke = KernelEventReaderBenchmark.EVENTS;
    Op kernel = new Op("kernel-event reader", ke, () -> k.kernelEventReader(BH));
    List<Op[]> pairs = new ArrayList<>();
    pairs.add(
        new Op[] {
          kernel,
          new Op(
              "Jackson tokens + values, a parser per line", ke, () -> k.jacksonTokensAndValues(BH))
        });
    pairs.add(
        new Op[] {
          kernel,
          new Op(
              "Jackson tokens + values, one parser",
              ke,
              () -> k.jacksonOneParserTokensAndValues(BH))
        });
    long js = OtlpJsonTraceReaderBenchmark.SPANS;
    pairs.add(
        new Op[] {
          new Op("OTLP JSON reader", js, () -> j.otlpJsonTraceReader(BH)),
          new Op("Jackson readTree", js, () -> j.jacksonReadTree(BH))
        });
    long ps = OtlpProtoTraceReaderBenchmark.SPANS;
    pairs.add(
        new Op[] {
          new Op("OTLP protobuf reader", ps, () -> p.otlpProtoTraceReader(BH)),
          new Op("ExportTraceServiceRequest.parseFrom", ps, () -> p.parseFrom(BH))
        });
    System.out.printf(
        "ReaderRatios: %d rounds of %d invocations each, thread CPU time, %s %s%n",
        rounds, PER_ROUND, System.getProperty("java.vm.name"), System.getProperty("java.version"));
    String only = args.length > 1 ? args[1] : "";
    pairs.removeIf(pair -> !pair[0].name.contains(only));
    List<String> summary = new ArrayList<>();
    for (Op[] pair : pairs) {
      for (int i = 0; i < WARMUP; i++) {
        pair[0].body.run();
        pair[1].body.run();
      }
      double[] ratios = new double[rounds];
      double[] a = new double[rounds];
      double[] b = new double[rounds];
      System.out.println("== " + pair[0].name + " vs " + pair[1].name);
      for (int r = 0; r < rounds; r++) {
        double[] x = new double[PER_ROUND];
        double[] y = new double[PER_ROUND];
        for (int i = 0; i < PER_ROUND; i++) {
          x[i] = perCpuSecond(pair[0]);
          y[i] = perCpuSecond(pair[1]);
        }
        a[r] = median(x);
        b[r] = median(y);
        ratios[r] = a[r] / b[r];
        System.out.printf(
            "  round %d: %,.0f /CPU-s vs %,.0f /CPU-s, ratio %.2f%n", r + 1, a[r], b[r], ratios[r]);
      }
      double[] s = ratios.clone();
      Arrays.sort(s);
      summary.add(
          String.format(
              "%s %,.0f /CPU-s vs %s %,.0f /CPU-s (medians): ratio min/median/max"
                  + " %.2f/%.2f/%.2f",
              pair[0].name,
              median(a),
              pair[1].name,
              median(b),
              s[0],
              s[rounds / 2],
              s[rounds - 1]));
    }
    System.out.println();
    summary.forEach(System.out::println);
  }

  private static double perCpuSecond(Op op) throws Exception {
    long t0 = CPU.getCurrentThreadCpuTime();
    op.body.run();
    long t1 = CPU.getCurrentThreadCpuTime();
    return op.records / ((t1 - t0) / 1e9);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
