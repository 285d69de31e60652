package io.isostack.correlator.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.jar.JarFile;

/**
 * Records one real case of the corpus ({@code samples/data/real-*}): one fault of the lab induced
 * on this machine, the sample services under the OpenTelemetry Java agent exporting to a {@link
 * TraceCapture}, each of the fault's producers run as a user runs it with its raw standard output
 * in its own file, load in phases (before the fault, with it), and {@code recording.json} with
 * pids, host, kernel, tool versions, phase marks (epoch ns) and parameters. Everything created is
 * undone by the lab at close. Not thread-safe.
 */
public final class Recorder {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * How to record.
   *
   * @param fault the fault
   * @param out the case directory (created; files in it are overwritten)
   * @param host the {@code host.name} of spans and events
   * @param backendPort the backend's port, the frontend's is the one below
   * @param net the second octet of the network a network fault creates
   * @param container whether the backend runs as a docker-style container ({@link
   *     FaultSetup#asContainer})
   * @param writeIopsCap a write IOPS cap on the disk the backend and a storm share, 0 for none
   * @param cpuHogs how many CPU-bound processes load the host for the whole recording
   * @param hogNice their nice value (0: as a user's shell starts them; 19: batch jobs)
   * @param plainText producer scripts run as plain {@code bpftrace} text (banner and all) instead
   *     of {@code -f json}, by file name ({@code sched.bt})
   * @param extra further producer commands, run as given, each {@code NAME=COMMAND} (its output
   *     goes to {@code NAME})
   * @param agent the OpenTelemetry Java agent's jar
   * @param rps sampled requests per second
   * @param before how long to drive load before the fault (skipped for a fault present from the
   *     start)
   * @param during how long to drive load with the fault, at least
   */
  public record Plan(
      Fault fault,
      Path out,
      String host,
      int backendPort,
      int net,
      boolean container,
      int writeIopsCap,
      int cpuHogs,
      int hogNice,
      List<String> plainText,
      List<String> extra,
      Path agent,
      double rps,
      Duration before,
      Duration during) {
    /** Validates; the message names the field. */
    public Plan {
      Objects.requireNonNull(fault, "fault");
      Objects.requireNonNull(out, "out");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(agent, "agent");
      plainText = List.copyOf(plainText);
      extra = List.copyOf(extra);
      if (!(rps > 0)) {
        throw new IllegalArgumentException("rps must be positive: " + rps);
      }
    }
  }

  private final FaultLab lab;
  private final Consumer<String> log;
  private final Load load = new Load();
  private final Map<String, Long> marks = new LinkedHashMap<>();
  private final ObjectNode rec = JSON.createObjectNode();

  /**
   * A recorder in a lab.
   *
   * @param lab the lab; closing it undoes the fault
   * @param log told what happens, one line at a time
   */
  public Recorder(FaultLab lab, Consumer<String> log) {
    this.lab = lab;
    this.log = log;
  }

  /**
   * Records the case into {@link Plan#out()}.
   *
   * @return the fault's induction outcome, in words
   * @throws Exception what setting up, inducing or stopping threw
   */
  public String record(Plan plan) throws Exception {
    Path out = Files.createDirectories(plan.out());
    FaultSetup s = FaultSetup.create(lab, plan.host(), "corpus", plan.net(), plan.backendPort());
    if (plan.container()) {
      s.asContainer(Fault.newContainerId());
    }
    if (plan.writeIopsCap() > 0) {
      s.withWriteIopsCap(plan.writeIopsCap());
    }
    mark("prepare");
    plan.fault().prepare(lab, s);
    for (int i = 0; i < plan.cpuHogs(); i++) {
      lab.start(
          "hog-" + i,
          List.of(
              "nice", "-n", Integer.toString(plan.hogNice()), "sh", "-c", "while :; do :; done"));
    }
    try (TraceCapture capture = new TraceCapture(s.bind(), out.resolve("traces.jsonl"))) {
      Process backend =
          lab.backend(s, agent(plan, "backend", capture), List.of("--telemetry", "agent"));
      Process frontend =
          lab.frontend(s, agent(plan, "frontend", capture), List.of("--telemetry", "agent"));
      long backendPid = jvmPid(backend);
      long frontendPid = jvmPid(frontend);
      mark("services_listening");
      log.accept("backend jvm pid " + backendPid + ", frontend jvm pid " + frontendPid);
      List<Process> producers = new ArrayList<>();
      ArrayNode commands = rec.putArray("producers");
      for (String p : s.producers()) {
        producers.add(producer(plan, out, p, backendPid, frontendPid, commands));
      }
      for (String e : plan.extra()) {
        int eq = e.indexOf('=');
        producers.add(start(out, e.substring(0, eq), e.substring(eq + 1), commands));
      }
      mark("producers_ready");
      load.drive(s.checkout(), 10, Duration.ofSeconds(4), false, 4, n -> {});
      mark("warmup_end");
      Fault f = plan.fault();
      Load.Result baseline = new Load.Result(0, new long[0]);
      ObjectNode phases = rec.putObject("load");
      if (!f.presentFromStart()) {
        mark("load_start");
        baseline = load.drive(s.checkout(), plan.rps(), plan.before(), true, 4, n -> {});
        phases.set("before", result(baseline));
      } else {
        mark("load_start");
      }
      mark("fault_on");
      String outcome;
      if (f.slowsRequests()) {
        Duration window = Duration.ofSeconds(4);
        Induction.Probe probe =
            new Induction.Probe(
                s.checkout(), plan.rps(), window, 4, 250_000_000L, 10, plan.during());
        Induction.Outcome o =
            new Induction(lab, load, Clock.systemUTC())
                .run(f, s, backend, probe, baseline, log, n -> {});
        outcome = o.describe();
        ObjectNode d = phases.putObject("fault");
        d.put("sent", o.sent());
        d.put("answered", o.answered());
        d.put("slowed", o.slowed());
        d.put("reference_ms", o.referenceNanos() / 1_000_000);
        d.put("level", o.level() + 1);
        d.put("strength", f.strength(o.level()));
      } else {
        Load.Result r = load.drive(s.checkout(), plan.rps(), plan.during(), true, 4, n -> {});
        phases.set("fault", result(r));
        outcome = "no fault; " + r.answered() + " of " + r.sent() + " answered";
      }
      mark("fault_end");
      mark("load_end");
      log.accept(outcome);
      Thread.sleep(6000);
      stopJvm(frontend, frontendPid);
      stopJvm(backend, backendPid);
      Thread.sleep(1000);
      mark("services_stopped");
      for (Process p : producers) {
        stop(p);
      }
      mark("stopped");
      rec.put("spans_captured", capture.spans());
      rec.put("export_requests", capture.requests());
      rec.put("outcome", outcome);
      describe(plan, s, backendPid, frontendPid);
    }
    Files.writeString(
        out.resolve("recording.json"), JSON.writeValueAsString(rec) + "\n", StandardCharsets.UTF_8);
    Files.writeString(
        out.resolve("expected.json"),
        JSON.writeValueAsString(expected(plan, out.getFileName().toString())) + "\n",
        StandardCharsets.UTF_8);
    return rec.path("outcome").asText();
  }

  /**
   * The case's ground truth, from what was induced (never from a correlator's output): the layer,
   * slice and causes the fault is, the fault window from the phase marks, and which traces are
   * slow.
   */
  private ObjectNode expected(Plan plan, String name) {
    Fault f = plan.fault();
    ObjectNode e = JSON.createObjectNode();
    e.put("case", name);
    e.put("reconstruction", false);
    e.put("fault", f.cliName());
    e.put("healthy", f == Fault.NONE);
    ObjectNode x = e.putObject("expected");
    x.put("words", f.expected());
    switch (f) {
      case CPU_THROTTLE -> truth(x, "L-3", false, "cpu-throttle");
      case RETRANSMIT -> truth(x, "L-3", true, "tcp-retransmit", "wire-time");
      case DISK -> truth(x, "host", false, "disk-latency");
      case VIRTQUEUE -> truth(x, "L-2", false, "virtio-blk-queue-full");
      case SECCOMP -> truth(x, "L-3", false, "seccomp-denied");
      case OOM -> truth(x, "L-3", false, "oom-kill");
      case NONE -> x.putNull("layer");
    }
    if (plan.cpuHogs() > 0) {
      ObjectNode load = e.putObject("hostLoad");
      load.put("cpuHogs", plan.cpuHogs());
      load.putArray("causes").add("cpu-saturation");
      load.put(
          "why",
          "the recorder ran CPU-bound processes on the host throughout: a request they delayed"
              + " (run-queue waits in no CPU-limited cgroup) lost its time to the host's CPUs");
    }
    ObjectNode w = e.putObject("faultWindow");
    w.put(
        "startEpochNanos", marks.get(f.presentFromStart() ? "load_start" : "fault_on").longValue());
    w.put("endEpochNanos", marks.get("fault_end").longValue());
    w.put(
        "from",
        f.presentFromStart()
            ? "load_start (the fault is in place from the backend's start)"
            : "fault_on");
    w.put("to", "fault_end");
    ObjectNode slow = e.putObject("slowTrace");
    slow.put("rootService", "frontend");
    slow.put("rootName", "GET /checkout");
    slow.put("rootAtLeastNanos", 250_000_000L);
    slow.put(
        "definition",
        "a trace whose root span (frontend GET /checkout) lasts at least 250 ms (the default"
            + " --slow-request) and starts inside the fault window");
    ObjectNode b = e.putArray("slowSpans").addObject();
    b.put("service", f == Fault.RETRANSMIT ? "frontend" : "backend");
    b.put("name", f == Fault.RETRANSMIT ? "GET" : "GET /pay");
    b.put("kind", f == Fault.RETRANSMIT ? "CLIENT (time on the wire)" : "SERVER");
    e.put(
        "analyzeDate",
        Instant.ofEpochSecond(marks.get("load_start") / 1_000_000_000L)
            .atZone(java.time.ZoneOffset.UTC)
            .toLocalDate()
            .toString());
    return e;
  }

  private static void truth(ObjectNode x, String layer, boolean network, String... causes) {
    x.put("layer", layer);
    x.put("network", network);
    ArrayNode c = x.putArray("causes");
    for (String cause : causes) {
      c.add(cause);
    }
  }

  private void describe(Plan plan, FaultSetup s, long backendPid, long frontendPid)
      throws Exception {
    rec.put("case", plan.out().getFileName().toString());
    rec.put("fault", plan.fault().cliName());
    rec.put("expected", plan.fault().expected());
    rec.put("host.name", plan.host());
    rec.put("kernel", FaultLab.sh("uname", "-r").strip());
    rec.put("machine", FaultLab.sh("uname", "-m").strip());
    rec.put("cpus", Runtime.getRuntime().availableProcessors());
    rec.put("bpftrace", FaultLab.sh("bpftrace", "--version").strip());
    rec.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    try (JarFile jar = new JarFile(plan.agent().toFile())) {
      rec.put(
          "opentelemetry-javaagent",
          String.valueOf(jar.getManifest().getMainAttributes().getValue("Implementation-Version")));
    }
    rec.put("backend.pid", backendPid);
    rec.put("frontend.pid", frontendPid);
    rec.put("backend.address", s.backendAddress());
    rec.put("backend.port", s.backendPort());
    rec.put("frontend.port", s.frontendPort());
    if (s.containerId() != null) {
      rec.put("container.id", s.containerId());
      rec.put("backend.pid_in_namespace", 1);
    }
    if (plan.fault() == Fault.CPU_THROTTLE || plan.fault() == Fault.OOM || s.writeIopsCap > 0) {
      rec.put("cgroup.path", s.cgroupPath());
    }
    if (plan.fault() == Fault.RETRANSMIT) {
      rec.put("netns", s.netns());
      rec.put("veth.host", s.vethHost);
      rec.put("veth.netns", s.vethNs);
      rec.put("veth.host_address", s.hostIp);
    }
    if (s.writeIopsCap > 0) {
      rec.put("write_iops_cap", s.writeIopsCap);
      rec.put("disk", Fault.diskOf(s.work()));
    }
    rec.put("cpu_hogs", plan.cpuHogs());
    rec.put("cpu_hogs.nice", plan.hogNice());
    rec.put("services.nice", -10);
    try {
      rec.put("loadavg_at_end", Files.readString(Path.of("/proc/loadavg")).strip());
    } catch (IOException e) {
      rec.putNull("loadavg_at_end");
    }
    rec.put("rps", plan.rps());
    rec.put("backend.command", String.join(" ", s.backendPrefix()) + " java ... backend");
    rec.put("backend.args", String.join(" ", s.backendArgs()));
    ObjectNode p = rec.putObject("phases_epoch_ns");
    marks.forEach(p::put);
  }

  private static ObjectNode result(Load.Result r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("sent", r.sent());
    o.put("answered", r.answered());
    o.put("p50_ms", r.quantileNanos(0.5) / 1_000_000);
    o.put("p90_ms", r.quantileNanos(0.9) / 1_000_000);
    return o;
  }

  /**
   * Starts one of the fault's producers as a user runs it: shipped bpftrace scripts filtered to the
   * services' pids where the script allows it, plain text when the plan says so.
   */
  private Process producer(
      Plan plan, Path out, String command, long backendPid, long frontendPid, ArrayNode commands)
      throws Exception {
    String cmd = command;
    String script =
        Path.of(cmd.split(" ")[cmd.startsWith("bash ") ? 1 : 4]).getFileName().toString();
    if (cmd.startsWith("bpftrace ")) {
      if (script.equals("sched.bt")) {
        cmd = cmd + " " + backendPid + " " + frontendPid;
      } else if (script.equals("syscalls.bt")) {
        cmd = cmd + " 0 " + backendPid;
      }
      boolean plain = plan.plainText().contains(script);
      if (plain) {
        cmd = cmd.replace("bpftrace -q -f json ", "bpftrace ");
      }
      String base = script.substring(0, script.indexOf('.'));
      return start(out, "events-" + base + (plain ? ".txt" : ".jsonl"), cmd, commands);
    }
    String base = script.substring(0, script.indexOf('.')).replace("-sampler", "");
    return start(out, "events-" + base + ".jsonl", cmd, commands);
  }

  /** Starts a producer with its stdout into {@code out/file}; waits until it printed (120 s). */
  private Process start(Path out, String file, String command, ArrayNode commands)
      throws Exception {
    Path stdout = out.resolve(file);
    Path stderr = lab.logs().resolve(file + ".stderr");
    List<String> cmd = new ArrayList<>(List.of("sh", "-c", "exec " + command));
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    lab.onClose(() -> stop(p));
    ObjectNode c = commands.addObject();
    c.put("file", file);
    c.put("command", command.replace(lab.ebpf().getParent().toString() + "/", "samples/"));
    log.accept("producer " + file + ": " + command);
    boolean ready =
        FaultLab.await(
            Duration.ofSeconds(120),
            () -> !p.isAlive() || Files.size(stdout) > 0 && settled(stdout));
    if (!ready || !p.isAlive()) {
      throw new IOException(
          "producer did not start: " + command + ": " + Files.readString(stderr).strip());
    }
    return p;
  }

  /** Whether a producer's output shows it attached: its start record, or any line after 2 s. */
  private static boolean settled(Path stdout) throws IOException {
    String head = Files.readString(stdout);
    return head.contains("producer.start")
        || head.contains("clock.sync")
        || head.contains("\n")
            && Files.getLastModifiedTime(stdout)
                .toInstant()
                .isBefore(Instant.now().minusSeconds(2));
  }

  private static void stop(Process p) throws InterruptedException {
    if (p.isAlive()) {
      p.destroy();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Stops a service with SIGTERM to its JVM (a launcher such as {@code unshare} may not pass it
   * on), so that the agent flushes its spans, and waits for the launcher.
   */
  private static void stopJvm(Process launcher, long jvmPid) throws InterruptedException {
    ProcessHandle.of(jvmPid).ifPresent(ProcessHandle::destroy);
    if (!launcher.waitFor(15, TimeUnit.SECONDS)) {
      stop(launcher);
    }
  }

  /** The JVM's host pid: the process itself, or its java descendant under a launcher. */
  private static long jvmPid(Process p) {
    return p.descendants()
        .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
        .mapToLong(ProcessHandle::pid)
        .findFirst()
        .orElse(p.pid());
  }

  private static List<String> agent(Plan plan, String service, TraceCapture capture) {
    return List.of(
        "-javaagent:" + plan.agent().toAbsolutePath(),
        "-Dotel.service.name=" + service,
        "-Dotel.resource.attributes=host.name=" + plan.host(),
        "-Dotel.traces.exporter=otlp",
        "-Dotel.exporter.otlp.protocol=http/protobuf",
        "-Dotel.exporter.otlp.traces.endpoint=" + capture.endpoint() + "/v1/traces",
        "-Dotel.metrics.exporter=none",
        "-Dotel.logs.exporter=none");
  }

  private void mark(String name) {
    Instant now = Clock.systemUTC().instant();
    marks.put(name, now.getEpochSecond() * 1_000_000_000L + now.getNano());
  }
}
