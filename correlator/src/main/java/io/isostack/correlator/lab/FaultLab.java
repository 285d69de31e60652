package io.isostack.correlator.lab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fault lab: runs commands and processes, starts the sample services, and undoes everything it
 * created in reverse order when closed, also after a failure or Ctrl-C. {@code correlator demo} and
 * the fault suite both run their faults in it.
 *
 * <p>Servers it starts listen on loopback or on addresses of a network namespace a {@link Fault}
 * created. Not thread-safe, except {@link #onClose} and {@link #close()}, which may run from a
 * shutdown hook.
 */
public final class FaultLab implements AutoCloseable {
  /** An undo step. */
  @FunctionalInterface
  public interface Undo {
    /**
     * Undoes one thing.
     *
     * @throws Exception if it could not be undone; the other steps still run
     */
    void run() throws Exception;
  }

  /** A condition waited for. */
  @FunctionalInterface
  public interface Condition {
    /**
     * Whether it holds now.
     *
     * @throws Exception if it cannot be checked; the wait ends with it
     */
    boolean holds() throws Exception;
  }

  /**
   * What the sample services' and the correlator's commands are prefixed with: a higher CPU
   * priority (nice -10) than the machine's other work, so that on a busy machine the induced fault,
   * not unrelated load, is what slows them and delays the verdicts. A CFS quota still applies in
   * full: priority only orders tasks within it.
   */
  public static final List<String> PRIORITY = List.of("nice", "-n", "-10");

  private final Deque<Undo> undo = new ArrayDeque<>();
  private final Path samples;
  private final Path logs;

  /**
   * Creates a lab whose processes log into a new directory.
   *
   * @param samples the project's {@code samples} directory (sample services jar, eBPF producers)
   * @param logsParent where the log directory is created
   * @param name the start of the log directory's name
   * @throws IOException if the directory cannot be created
   */
  public FaultLab(Path samples, Path logsParent, String name) throws IOException {
    this.samples = samples.toAbsolutePath().normalize();
    this.logs = Files.createTempDirectory(Files.createDirectories(logsParent), name + "-");
  }

  /** Where the processes' logs are; kept after {@link #close()} for a post-mortem. */
  public Path logs() {
    return logs;
  }

  /** The sample services' jar, {@code samples/target/sample-app.jar}. */
  public Path sampleJar() {
    return samples.resolve("target").resolve("sample-app.jar");
  }

  /** The shipped eBPF producers, {@code samples/ebpf}. */
  public Path ebpf() {
    return samples.resolve("ebpf");
  }

  /** Registers an undo step; they run last-first at {@link #close()}. */
  public synchronized void onClose(Undo step) {
    undo.push(step);
  }

  /**
   * Runs a command to completion (at most 60 s).
   *
   * @return its output
   * @throws IOException if it cannot run, exits non-zero or times out (the message has its output)
   * @throws InterruptedException if interrupted while waiting
   */
  public static String sh(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.strip());
    }
    return out;
  }

  /** Runs a command and ignores how it ends (for undo steps); waits at most 30 s. */
  public static void quietly(String... command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      // nothing to undo
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts a process logging to {@code <logs>/<name>.log}; it is stopped at close (SIGTERM, then
   * SIGKILL after 15 s).
   *
   * @throws IOException if it cannot start
   */
  public Process start(String name, List<String> command) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve(name + ".log").toFile())
            .start();
    onClose(() -> stop(p));
    return p;
  }

  /**
   * Starts a sample service in its own JVM, at {@link #PRIORITY}, and waits (at most 120 s: a JVM
   * with the Java agent starts slowly on a busy machine) until it listens.
   *
   * @param role {@code backend} or {@code frontend}
   * @param address the address it listens on
   * @param port its port
   * @param prefix what the java command is prefixed with ({@code ip netns exec NS}, a seccomp
   *     launcher), may be empty
   * @param jvm JVM options (the Java agent), may be empty
   * @param args the service's options
   * @return the running service, stopped at close
   * @throws Exception an {@link IOException} naming its log if it does not start or does not listen
   *     in time, an {@link InterruptedException} if interrupted while waiting
   */
  public Process service(
      String role,
      String address,
      int port,
      List<String> prefix,
      List<String> jvm,
      List<String> args)
      throws Exception {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(PRIORITY);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvm);
    cmd.addAll(List.of("-jar", sampleJar().toString(), role, "--port", Integer.toString(port)));
    cmd.addAll(args);
    return listening(role, address, port, cmd);
  }

  /** Starts a service's command and waits (at most 120 s) until it listens. */
  private Process listening(String role, String address, int port, List<String> cmd)
      throws Exception {
    Process p = start(role, cmd);
    if (!await(Duration.ofSeconds(120), () -> !p.isAlive() || listening(address, port))
        || !p.isAlive()) {
      throw new IOException(
          role
              + (p.isAlive() ? "" : " exited with status " + p.exitValue() + " and")
              + " is not listening on "
              + address
              + ":"
              + port
              + "; see "
              + logs.resolve(role + ".log"));
    }
    return p;
  }

  /**
   * Starts the sample backend as the set-up says (address, launcher prefix, options), or its
   * container launcher ({@link FaultSetup#backendLauncher()}) with the options as {@code
   * --backend-arg}s, at {@link #PRIORITY}.
   *
   * @param jvm JVM options (the Java agent), may be empty; must be empty for a container
   * @param telemetry how it exports spans: {@code --otlp-endpoint URL}, or {@code --telemetry
   *     agent}
   * @return the running backend (or its launcher), stopped at close
   * @throws Exception as {@link #service} does; an {@link IllegalArgumentException} for JVM options
   *     to a container
   */
  public Process backend(FaultSetup s, List<String> jvm, List<String> telemetry) throws Exception {
    List<String> args = new ArrayList<>(telemetry);
    args.addAll(List.of("--host", s.host(), "--bind", s.backendAddress()));
    args.addAll(s.backendArgs());
    if (s.backendLauncher().isEmpty()) {
      return service("backend", s.backendAddress(), s.backendPort(), s.backendPrefix(), jvm, args);
    }
    if (!jvm.isEmpty()) {
      throw new IllegalArgumentException(
          "JVM options (the Java agent) cannot reach a backend in an OCI container: record its"
              + " faults with samples/record/record-oci.sh");
    }
    List<String> cmd = new ArrayList<>(PRIORITY);
    cmd.addAll(s.backendLauncher());
    for (String a : args) {
      cmd.add("--backend-arg");
      cmd.add(a);
    }
    return listening("backend", s.backendAddress(), s.backendPort(), cmd);
  }

  /**
   * Starts the sample frontend on loopback, calling the set-up's backend.
   *
   * @param jvm JVM options (the Java agent), may be empty
   * @param telemetry how it exports spans, as for {@link #backend}
   * @return the running frontend, stopped at close
   * @throws Exception as {@link #service} does
   */
  public Process frontend(FaultSetup s, List<String> jvm, List<String> telemetry) throws Exception {
    List<String> args = new ArrayList<>(telemetry);
    args.addAll(
        List.of(
            "--host",
            s.host(),
            "--backend",
            "http://" + s.backendAddress() + ":" + s.backendPort()));
    return service("frontend", "127.0.0.1", s.frontendPort(), List.of(), jvm, args);
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
   * Waits until a condition holds, checking every 100 ms.
   *
   * @return false if it did not hold within the timeout
   * @throws Exception what checking the condition threw
   */
  public static boolean await(Duration timeout, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.holds()) {
        return true;
      }
      Thread.sleep(100);
    }
    return condition.holds();
  }

  /** Whether something accepts TCP connections on the address and port (200 ms timeout). */
  public static boolean listening(String address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Deletes a directory and everything under it (a fault's files can be large); nothing if absent.
   *
   * @throws IOException if something cannot be deleted
   */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Undoes everything, last first; tries every step.
   *
   * @throws IOException naming the first step's failure, after all steps ran
   */
  @Override
  public synchronized void close() throws IOException {
    Exception first = null;
    while (!undo.isEmpty()) {
      try {
        undo.pop().run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        first = first == null ? e : first;
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw new IOException("undoing the fault lab: " + first.getMessage(), first);
    }
  }
}
