package io.isostack.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code correlator analyze} against DuckDB on the same files and the same join (issue 11): for
 * each size, generates a canonical kernel-event file and a Collector NDJSON traces file ({@link
 * Workload}: 3 % slow payment spans with evidence), then runs, alternately and each as its own
 * process under {@code /usr/bin/time}, {@code bin/correlator analyze --format json} (the launcher a
 * user runs, with its JVM flags and class-data archive; {@code --plain-jar} runs {@code java -jar}
 * instead) and {@link DuckDbJoin} (DuckDB JDBC, 2 threads, load + window join), optionally also a
 * baseline correlator jar (the code before a change, started the same way as the measured jar, so
 * that the two are compared like for like). Before the timed repetitions of each size it runs each
 * through the launcher once untimed, so that the first repetition does not include writing the
 * launcher's class-data archive (which only the first run after a build does). Checks that both
 * found the same slow spans with evidence and prints wall time, CPU time (user + system) and peak
 * RSS of each run, min/median/max, and the ratios DuckDB / correlator per repetition.
 *
 * <p>Usage (from the repository root, after {@code mvn -pl benchmarks -am package}): {@code java
 * -cp benchmarks/target/benchmarks.jar io.isostack.benchmarks.DuckDbBench [--reps N] [--traces N]
 * [--jar correlator.jar] [--launcher bin/correlator] [--plain-jar] [--baseline-jar old.jar]
 * [--generate DIR] [--data DIR] [EVENTS...]}; defaults 3 repetitions, 20 000 traces, {@code
 * correlator/target/correlator.jar} run through {@code bin/correlator}, sizes 1 M, 3 M and 10 M
 * events. {@code --data DIR} uses the files {@code --generate DIR} wrote (and keeps them). Needs
 * about 2.4 GB free in the temporary directory for 10 M events; deletes its files at the end.
 * Prints to standard output: it is a measuring tool. {@code --generate DIR} only writes the files,
 * into {@code DIR/EVENTS-TRACES/}, and keeps them.
 */
public final class DuckDbBench {
  private static final long TIMELINE_NANOS = 3_600_000_000_000L;

  private DuckDbBench() {}

  /** One measured run: wall and CPU seconds, peak RSS in KiB. */
  private record Run(double wall, double cpu, long rssKib) {}

  /**
   * Runs the comparison.
   *
   * @param args options and sizes, see the class comment
   * @throws Exception if generating, running or reading fails
   */
  public static void main(String[] args) throws Exception {
    int reps = 3;
    int traces = 20_000;
    String jar = "correlator/target/correlator.jar";
    String launcher = "bin/correlator";
    String baselineJar = null;
    Path generateInto = null;
    Path data = null;
    List<Long> sizes = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--traces" -> traces = Integer.parseInt(args[++i]);
        case "--jar" -> jar = args[++i];
        case "--launcher" -> launcher = args[++i];
        case "--plain-jar" -> launcher = null;
        case "--data" -> data = Path.of(args[++i]);
        case "--baseline-jar" -> baselineJar = args[++i];
        case "--generate" -> generateInto = Path.of(args[++i]);
        default -> sizes.add(Long.parseLong(args[i]));
      }
    }
    if (sizes.isEmpty()) {
      sizes = List.of(1_000_000L, 3_000_000L, 10_000_000L);
    }
    if (generateInto != null) {
      for (long events : sizes) {
        Path dir = Files.createDirectories(generateInto.resolve(events + "-" + traces));
        generate(dir, events, traces);
        System.out.println("generated " + dir);
      }
      return;
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    String self =
        Path.of(DuckDbBench.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    System.out.printf(
        "DuckDbBench: %d CPUs, %s %s; correlator %s %s%s; %d repetitions, alternating%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        launcher == null ? "java -jar" : launcher,
        jar,
        baselineJar == null ? "" : ", baseline " + baselineJar,
        reps);
    Correlator correlator = new Correlator(java, launcher, jar);
    for (long events : sizes) {
      if (data != null) {
        Path dir = data.resolve(events + "-" + traces);
        System.out.printf("%n== %,d events, %,d traces: %s%n", events, traces, dir);
        compare(dir, reps, java, self, correlator, baselineJar);
        continue;
      }
      Path dir = Files.createTempDirectory("isostack-duckdb-");
      try {
        generate(dir, events, traces);
        compare(dir, reps, java, self, correlator, baselineJar);
      } finally {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  private static void compare(
      Path dir, int reps, String java, String self, Correlator correlator, String baselineJar)
      throws Exception {
    Path traceFile = dir.resolve("traces.jsonl");
    Path eventFile = dir.resolve("events.jsonl");
    Path report = dir.resolve("report.json");
    Path tsv = dir.resolve("duckdb.tsv");
    Map<String, List<String>> commands = new LinkedHashMap<>();
    commands.put("correlator", correlator.analyze(traceFile, eventFile, report));
    commands.put(
        "duckdb",
        List.of(
            java,
            "-cp",
            self,
            DuckDbJoin.class.getName(),
            traceFile.toString(),
            eventFile.toString(),
            tsv.toString(),
            "2"));
    if (baselineJar != null) {
      commands.put(
          "baseline",
          new Correlator(java, correlator.launcher, baselineJar)
              .analyze(traceFile, eventFile, dir.resolve("base.json")));
    }
    if (correlator.launcher != null) {
      timed(commands.get("correlator"), dir.resolve("time.txt"));
      if (baselineJar != null) {
        timed(commands.get("baseline"), dir.resolve("time.txt"));
      }
    }
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    for (int rep = 0; rep < reps; rep++) {
      for (Map.Entry<String, List<String>> c : commands.entrySet()) {
        Run r = timed(c.getValue(), dir.resolve("time.txt"));
        runs.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(r);
        System.out.printf(
            "  rep %d %-10s wall %6.2f s  cpu %6.2f s  rss %,7d MiB%n",
            rep + 1, c.getKey(), r.wall, r.cpu, r.rssKib >> 10);
      }
    }
    check(report, tsv);
    if (baselineJar != null) {
      Map<String, String> now = layers(report);
      Map<String, String> before = layers(dir.resolve("base.json"));
      System.out.printf(
          "  check: correlator and baseline %s (%d findings: span -> layer)%n",
          now.equals(before) ? "give the SAME layer for every slow span" : "DIFFER", now.size());
    }
    for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
      List<Run> rs = e.getValue();
      System.out.printf(
          "  %-10s wall %s s, cpu %s s, peak RSS %s MiB%n",
          e.getKey(),
          mmm(rs.stream().mapToDouble(Run::wall).toArray()),
          mmm(rs.stream().mapToDouble(Run::cpu).toArray()),
          mmm(rs.stream().mapToDouble(r -> r.rssKib / 1024.0).toArray()));
    }
    for (String other : runs.keySet()) {
      if (other.equals("correlator")) {
        continue;
      }
      List<Run> c = runs.get("correlator");
      List<Run> o = runs.get(other);
      double[] wall = new double[reps];
      double[] cpu = new double[reps];
      double[] rss = new double[reps];
      for (int i = 0; i < reps; i++) {
        wall[i] = o.get(i).wall / c.get(i).wall;
        cpu[i] = o.get(i).cpu / c.get(i).cpu;
        rss[i] = (double) c.get(i).rssKib / o.get(i).rssKib;
      }
      System.out.printf(
          "  ratio %s / correlator (per repetition, min/median/max): wall %s, cpu %s;"
              + " correlator RSS / %s RSS %s%n",
          other, mmm(wall), mmm(cpu), other, mmm(rss));
    }
  }

  /** Writes {@code traces.jsonl} and {@code events.jsonl} into {@code dir}. */
  private static void generate(Path dir, long events, int traces) throws IOException {
    Workload w = new Workload(traces, 0.03, TIMELINE_NANOS, 99);
    try (OutputStream o =
        new BufferedOutputStream(Files.newOutputStream(dir.resolve("traces.jsonl")))) {
      w.writeTraces(o, 10, Long.MAX_VALUE);
    }
    long bytes;
    try (OutputStream o = Files.newOutputStream(dir.resolve("events.jsonl"))) {
      bytes = w.writeEvents(o, events);
    }
    System.out.printf(
        "%n== %,d events (%,d MiB), %,d traces (%,d spans, %,d slow hops)%n",
        events, bytes >> 20, traces, w.spanCount(), w.slowCount());
  }

  /**
   * How the correlator is started: through the launcher script (with {@code JAVA} and {@code
   * CORRELATOR_JAR} set to this JVM and the jar), or as {@code java -jar} when {@code launcher} is
   * null.
   */
  private record Correlator(String java, String launcher, String jar) {
    List<String> analyze(Path traces, Path events, Path report) {
      List<String> cmd = new ArrayList<>();
      if (launcher == null) {
        cmd.addAll(List.of(java, "-jar", jar));
      } else {
        cmd.addAll(List.of("env", "JAVA=" + java, "CORRELATOR_JAR=" + jar, launcher));
      }
      cmd.addAll(
          List.of(
              "analyze",
              "--traces",
              traces.toString(),
              "--events",
              events.toString(),
              "--format",
              "json",
              "-o",
              report.toString()));
      return cmd;
    }
  }

  private static Run timed(List<String> command, Path timeFile)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o"));
    cmd.add(timeFile.toString());
    cmd.addAll(command);
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    int rc = p.waitFor();
    if (rc != 0) {
      throw new IllegalStateException("exit " + rc + ": " + String.join(" ", command));
    }
    String[] f = Files.readString(timeFile, StandardCharsets.UTF_8).trim().split("\\s+");
    int n = f.length;
    return new Run(
        Double.parseDouble(f[n - 4]),
        Double.parseDouble(f[n - 3]) + Double.parseDouble(f[n - 2]),
        Long.parseLong(f[n - 1]));
  }

  /** Compares the slow spans with evidence found by the correlator and by DuckDB. */
  private static void check(Path report, Path tsv) throws IOException {
    TreeSet<String> correlator = new TreeSet<>();
    JsonNode r = new ObjectMapper().readTree(report.toFile());
    int findings = 0;
    for (JsonNode f : r.path("findings")) {
      findings++;
      if (f.path("evidence").size() > 0) {
        correlator.add(f.path("span").path("spanId").asText(f.path("spanId").asText()));
      }
    }
    TreeSet<String> duck = new TreeSet<>();
    for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
      duck.add(line.substring(0, line.indexOf('\t')));
    }
    TreeSet<String> onlyC = new TreeSet<>(correlator);
    onlyC.removeAll(duck);
    TreeSet<String> onlyD = new TreeSet<>(duck);
    onlyD.removeAll(correlator);
    System.out.printf(
        "  check: correlator %d findings, %d with evidence; DuckDB %d slow spans with evidence;"
            + " %s%n",
        findings,
        correlator.size(),
        duck.size(),
        onlyC.isEmpty() && onlyD.isEmpty()
            ? "SAME slow spans"
            : "DIFFERENT: only correlator " + head(onlyC) + ", only DuckDB " + head(onlyD));
  }

  private static Map<String, String> layers(Path report) throws IOException {
    Map<String, String> m = new java.util.TreeMap<>();
    for (JsonNode f : new ObjectMapper().readTree(report.toFile()).path("findings")) {
      m.put(f.path("spanId").asText(), f.path("layer").asText());
    }
    return m;
  }

  private static String head(TreeSet<String> s) {
    return s.size() + (s.isEmpty() ? "" : " e.g. " + s.first());
  }

  private static String mmm(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return String.format("%.2f/%.2f/%.2f", s[0], s[s.length / 2], s[s.length - 1]);
  }
}
