package io.isostack.correlator.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link Fault#GVISOR_SYSCALLS}: the backend in a gVisor sandbox ({@code runsc --platform=ptrace},
 * {@link OciBackend}) with a syscall-heavy handler, each request committing {@value #WRITES}
 * records of 4 KiB with {@code fdatasync}: every one is served by the Sentry, on the ptrace
 * platform with several host stops per syscall, the sandbox's slow path (L-4). The host's syscall
 * tracepoints see none of them; the Sentry's strace log ({@code --debug-log=DIR/ --strace
 * --strace-syscalls=fdatasync}) does, and the correlator follows the newest boot log in that
 * directory live ({@code --events runsc:DIR/}), also across sandbox restarts. In place from the
 * backend's start (one level). Stateless.
 */
final class GvisorSyscalls implements FaultSteps.FromStart {
  /**
   * Added to the sandbox's nice value: on the ptrace platform the Sentry spends host CPU on every
   * syscall it serves (that is the fault), and at the lab's priority it would take the CPU from the
   * correlator that evaluates it (a finding published seconds late on this 2-CPU machine); at 10
   * over the lab's -10 it runs as ordinary work.
   */
  private static final int SENTRY_NICE = 10;

  /** {@code fdatasync} calls per request. */
  static final int WRITES = 1000;

  @Override
  public String expected() {
    return "L-4 sandbox (gVisor), syscall slow path";
  }

  @Override
  public void prepare(FaultLab lab, FaultSetup s) throws IOException {
    Path work = s.work.toAbsolutePath(); // the runtime runs in the bundle's directory
    Path logs = Files.createDirectories(work.resolve("runsc-logs"));
    OciBackend.launch(
        lab,
        s,
        "runsc",
        List.of(
            "--root=" + work.resolve("runsc-state"),
            "--platform=ptrace",
            "--network=host",
            "--debug-log=" + logs + "/",
            "--strace",
            "--strace-syscalls=fdatasync"),
        SENTRY_NICE);
    s.backendArgs.addAll(
        List.of(
            "--sync-write-bytes",
            "4096",
            "--sync-writes",
            Integer.toString(WRITES),
            "--write-dir",
            "/out/write"));
    s.events.add("runsc:" + logs + "/");
    // The host's view: the Sentry's threads off CPU (they stop at every syscall on ptrace).
    s.producers.add(s.bpftrace("sched.bt", "1000"));
  }

  @Override
  public String strength(int level) {
    return WRITES + " fdatasync calls per request under runsc --platform=ptrace";
  }

  @Override
  public String missing() {
    return HostTools.onPath("runsc") && HostTools.onPath("unshare")
        ? null
        : "the gvisor-syscalls fault needs runsc (gVisor) and unshare (apt-get install runsc"
            + " util-linux)";
  }

  @Override
  public boolean inOciContainer() {
    return true;
  }
}
