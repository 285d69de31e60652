package io.isostack.correlator.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link Fault#SECCOMP}: the backend started under a seccomp filter (libseccomp) denying {@code
 * mkdir}, which it calls on every request and retries 3 times 100 ms apart: L-3, seccomp denial.
 * The filter is in place from the backend's start (one level). Stateless.
 */
final class SeccompDenial implements FaultSteps.FromStart {
  @Override
  public String expected() {
    return "L-3 container, seccomp denial";
  }

  @Override
  public void prepare(FaultLab lab, FaultSetup s) throws IOException {
    Path audit = Files.createDirectories(s.work.resolve("audit"));
    s.producers.add(s.bpftrace("syscalls.bt"));
    s.producers.add(s.bpftrace("sched.bt", "1000"));
    s.backendPrefix.addAll(
        List.of(
            "/usr/bin/python3",
            s.ebpf.resolveSibling("faults").resolve("seccomp-exec.py").toString(),
            "mkdir,mkdirat"));
    s.backendArgs.addAll(List.of("--audit-dir", audit.toString()));
  }

  @Override
  public String strength(int level) {
    return "mkdir and mkdirat denied";
  }
}
