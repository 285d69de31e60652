package io.isostack.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isostack.correlator.cli.CorrelatorCommand;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The large-input check of the project's targets: generates a canonical kernel-event file of 10 M
 * events (about 2.4 GB) and a Collector NDJSON traces file (20 k traces, 3 % with a slow hop, so
 * that about 8 % of the events fall inside a slow hop's window) in a temporary directory, runs
 * {@code correlator analyze --format json} on them in this JVM, and prints the elapsed time, events
 * per second and the peak heap, then deletes the directory.
 *
 * <p>Run it with the heap the target names: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.isostack.benchmarks.LargeInputCheck [EVENTS [TRACES]]}. It prints {@code PASS} when the
 * analysis completed (exit status 0, every slow hop explained by a finding) under a heap limit of
 * at most 2 GiB, {@code FAIL} otherwise; the exit status is 0 on PASS, 1 on FAIL. The throughput
 * target (1 M events/s) is reported beside it, not part of the verdict. Prints to standard output:
 * it is a measuring tool, not part of the pipeline.
 */
public final class LargeInputCheck {
  private static final long TWO_GIB = 2L << 30;
  private static final long TIMELINE_NANOS = 3_600_000_000_000L;

  private LargeInputCheck() {}

  /**
   * Runs the check.
   *
   * @param args optional: number of events (default 10 000 000), number of traces (default 20 000)
   * @throws Exception if the files cannot be written or the report cannot be read
   */
  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    int traces = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    long maxHeap = Runtime.getRuntime().maxMemory();
    System.out.printf(
        "LargeInputCheck: %,d events, %,d traces; heap limit %s, %d CPUs, %s%n",
        events,
        traces,
        mib(maxHeap),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    Path dir = Files.createTempDirectory("isostack-large-");
    boolean pass;
    try {
      pass = run(dir, events, traces, maxHeap);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    System.exit(pass ? 0 : 1);
  }

  private static boolean run(Path dir, long events, int traces, long maxHeap)
      throws IOException, InterruptedException {
    Workload w = new Workload(traces, 0.03, TIMELINE_NANOS, 99);
    Path traceFile = dir.resolve("traces.jsonl");
    Path eventFile = dir.resolve("events.jsonl");
    Path report = dir.resolve("report.json");
    long g = System.nanoTime();
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(traceFile))) {
      w.writeTraces(o, 10, Long.MAX_VALUE);
    }
    long eventBytes;
    try (OutputStream o = Files.newOutputStream(eventFile)) {
      eventBytes = w.writeEvents(o, events);
    }
    System.out.printf(
        "generated in %.1f s: %s (%s), %s (%,d spans, %,d slow hops)%n",
        (System.nanoTime() - g) / 1e9,
        eventFile.getFileName(),
        mib(eventBytes),
        traceFile.getFileName() + " " + mib(Files.size(traceFile)),
        w.spanCount(),
        w.slowCount());

    System.gc();
    HeapWatch heap = HeapWatch.start();
    StringWriter err = new StringWriter();
    long t0 = System.nanoTime();
    int rc;
    try {
      rc =
          new CommandLine(new CorrelatorCommand())
              .setErr(new PrintWriter(err, true))
              .execute(
                  "analyze",
                  "--traces",
                  traceFile.toString(),
                  "--events",
                  eventFile.toString(),
                  "--format",
                  "json",
                  "-o",
                  report.toString());
    } catch (OutOfMemoryError e) {
      heap.stop();
      System.out.printf("FAIL: out of memory after %.1f s%n", (System.nanoTime() - t0) / 1e9);
      return false;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    heap.stop();

    int findings = -1;
    String input = "";
    if (Files.exists(report)) {
      JsonNode r = new ObjectMapper().readTree(report.toFile());
      findings = r.path("findings").size();
      input = r.path("input").toString();
    }
    double rate = events / seconds;
    System.out.printf("correlator analyze: exit %d, %d findings%n", rc, findings);
    if (!err.toString().isBlank()) {
      System.out.print("stderr: " + err);
    }
    System.out.println(
        "input summary: " + (input.length() > 400 ? input.substring(0, 400) + "..." : input));
    System.out.printf("elapsed %.1f s, %,.0f events/s%n", seconds, rate);
    System.out.printf(
        "heap: peak sampled %s, peak after GC %s, sum of pool peaks %s; %d GCs, %.1f s in GC%n",
        mib(heap.maxSampledBytes()),
        mib(heap.maxAfterGcBytes()),
        mib(heap.poolPeakSumBytes()),
        heap.gcCount(),
        heap.gcMillis() / 1e3);
    System.out.printf(
        "target 1 M events/s per core: %s (%,.0f events/s)%n",
        rate >= 1_000_000 ? "met" : "MISSED", rate);
    boolean completed = rc == 0 && findings == w.slowCount();
    if (maxHeap > TWO_GIB) {
      System.out.printf(
          "FAIL: heap limit %s is above 2 GiB: run with -Xmx2g to check the target%n",
          mib(maxHeap));
      return false;
    }
    System.out.printf(
        "%s: %,d events analysed in %.1f s under a %s heap limit%s%n",
        completed ? "PASS" : "FAIL",
        events,
        seconds,
        mib(maxHeap),
        completed
            ? ""
            : " (exit " + rc + ", " + findings + " findings, " + w.slowCount() + " slow hops)");
    return completed;
  }

  private static String mib(long bytes) {
    return String.format("%,.0f MiB", bytes / (1024.0 * 1024.0));
  }
}
