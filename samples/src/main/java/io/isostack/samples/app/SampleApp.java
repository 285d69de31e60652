package io.isostack.samples.app;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Command-line entry point of the sample services: {@code frontend}, {@code backend} and the {@code
 * load} driver, each in its own JVM.
 *
 * <pre>
 * java -jar sample-app.jar backend  --port 8081 --spans-out backend-spans.jsonl [--work-iterations N]
 * java -jar sample-app.jar frontend --port 8080 --backend http://127.0.0.1:8081 --spans-out f.jsonl
 * java -jar sample-app.jar load --url http://127.0.0.1:8080/checkout --rps 4 --duration 40 [--warmup N]
 * </pre>
 *
 * <p>Common options: {@code --host NAME} overrides the {@code host.name} resource attribute
 * (default: the machine's hostname); {@code --bind ADDRESS} the address to listen on (default
 * 127.0.0.1); {@code --otlp-endpoint URL} exports over OTLP/gRPC instead of {@code --spans-out};
 * {@code --telemetry agent} makes no spans of its own, for the OpenTelemetry Java agent. Services
 * bind to 127.0.0.1 only and stop on SIGTERM, flushing their spans first.
 */
public final class SampleApp {

  private SampleApp() {}

  /**
   * Runs one mode until it is stopped (services) or its budget is spent (load).
   *
   * @param args the mode followed by {@code --name value} options
   * @throws Exception when a service cannot start
   */
  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    if (args.length == 0) {
      usage(out);
      System.exit(2);
    }
    Map<String, String> opts = parse(Arrays.copyOfRange(args, 1, args.length));
    String host = opts.getOrDefault("host", localHostName());
    switch (args[0]) {
      case "backend" ->
          BackendService.run(
              bind(opts),
              Integer.parseInt(opts.getOrDefault("port", "8081")),
              telemetry("backend", host, opts),
              Integer.parseInt(
                  opts.getOrDefault(
                      "work-iterations", Integer.toString(CpuWork.DEFAULT_ITERATIONS))),
              Integer.parseInt(opts.getOrDefault("threads", "4")),
              new RequestIo(
                  Integer.parseInt(opts.getOrDefault("sync-write-bytes", "0")),
                  Integer.parseInt(opts.getOrDefault("sync-writes", "1")),
                  pathOrNull(opts.get("write-dir")),
                  pathOrNull(opts.get("audit-dir")),
                  opts.containsKey("worker")
                      ? new WorkerProcess(
                          opts.get("worker"), Integer.parseInt(opts.getOrDefault("worker-mb", "8")))
                      : null));
      case "frontend" ->
          FrontendService.run(
              bind(opts),
              Integer.parseInt(opts.getOrDefault("port", "8080")),
              opts.getOrDefault("backend", "http://127.0.0.1:8081"),
              telemetry("frontend", host, opts),
              Integer.parseInt(opts.getOrDefault("threads", "8")));
      case "load" ->
          new LoadDriver(
                  java.net.URI.create(opts.getOrDefault("url", "http://127.0.0.1:8080/checkout")),
                  Double.parseDouble(opts.getOrDefault("rps", "4")),
                  Duration.ofSeconds(Long.parseLong(opts.getOrDefault("duration", "40"))),
                  Integer.parseInt(opts.getOrDefault("max-in-flight", "4")),
                  Integer.parseInt(opts.getOrDefault("warmup", "0")),
                  out)
              .run();
      case "calibrate" -> CpuWork.calibrate(out);
      default -> {
        usage(out);
        System.exit(2);
      }
    }
  }

  /**
   * The service's telemetry: {@code --spans-out FILE} (OTLP JSON lines), {@code --otlp-endpoint
   * URL} (OTLP/gRPC), or {@code --telemetry agent} (none of ours: the OpenTelemetry Java agent
   * instruments the service).
   */
  private static Telemetry telemetry(String service, String host, Map<String, String> opts) {
    if ("agent".equals(opts.get("telemetry"))) {
      return Telemetry.none(service);
    }
    if (opts.containsKey("otlp-endpoint")) {
      return Telemetry.startOtlp(service, host, opts.get("otlp-endpoint"));
    }
    return Telemetry.start(service, host, Path.of(required(opts, "spans-out")));
  }

  /** {@code --bind ADDRESS}: 127.0.0.1 unless told otherwise (e.g. an address in a netns). */
  private static InetAddress bind(Map<String, String> opts) throws UnknownHostException {
    String bind = opts.get("bind");
    return bind == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(bind);
  }

  private static Path pathOrNull(String path) {
    return path == null ? null : Path.of(path);
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got: " + args[i]);
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    return opts;
  }

  private static String required(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing option --" + name);
    }
    return v;
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private static void usage(PrintStream out) {
    out.println(
        "usage: sample-app (backend|frontend|load|calibrate) [--name value]...\n"
            + "  backend  --port 8081 --spans-out FILE [--work-iterations N] [--threads 4]\n"
            + "           [--sync-write-bytes N [--sync-writes K] --write-dir DIR]"
            + " [--audit-dir DIR]\n"
            + "           [--worker COMMAND [--worker-mb 8]]\n"
            + "  frontend --port 8080 --backend http://127.0.0.1:8081 --spans-out FILE\n"
            + "  load     --url http://127.0.0.1:8080/checkout --rps 4 --duration 40"
            + " [--max-in-flight 4] [--warmup N]\n"
            + "  common:  --host NAME (host.name resource attribute); --bind ADDRESS (127.0.0.1);\n"
            + "           instead of --spans-out:\n"
            + "           --otlp-endpoint http://127.0.0.1:4317 (OTLP/gRPC) or --telemetry agent"
            + " (run under the OpenTelemetry Java agent)");
  }
}
