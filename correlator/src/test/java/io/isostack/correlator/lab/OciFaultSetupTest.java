package io.isostack.correlator.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the OCI runtimes' faults decide before anything runs: the backend's launcher ({@code
 * samples/oci/run-backend.sh} with the runtime and its flags), crun's cgroup naming, the followed
 * Sentry log directory; nothing of it needs root.
 */
class OciFaultSetupTest {
  @TempDir Path tmp;

  @Test
  void gvisorRunsTheBackendUnderRunscAndFollowsItsLogDirectory() throws Exception {
    try (FaultLab lab = new FaultLab(tmp, tmp, "lab")) {
      FaultSetup s = FaultSetup.create(lab, "h", "demo", 203, 18981);
      Fault.GVISOR_SYSCALLS.prepare(lab, s);

      Path logs = s.work().toAbsolutePath().resolve("runsc-logs");
      assertThat(s.events()).containsExactly("runsc:" + logs + "/");
      assertThat(s.backendLauncher())
          .contains("--runtime", "runsc", "--platform=ptrace", "--debug-log=" + logs + "/")
          .contains("--strace", "--strace-syscalls=fdatasync")
          .containsSequence("--nice", "10")
          .containsSequence("--id", s.containerId());
      assertThat(s.backendArgs()).containsSequence("--sync-writes", "1000");
      assertThat(s.cgroupPath()).isEqualTo("/" + s.containerId());
      assertThat(Fault.GVISOR_SYSCALLS.presentFromStart()).isTrue();
      assertThat(Fault.GVISOR_SYSCALLS.inOciContainer()).isTrue();
      assertThat(Fault.GVISOR_SYSCALLS.cliName()).isEqualTo("gvisor-syscalls");
    }
  }

  @Test
  void crunThrottlesTheCgroupCrunNamesAfterTheContainer() throws Exception {
    try (FaultLab lab = new FaultLab(tmp, tmp, "lab")) {
      FaultSetup s = FaultSetup.create(lab, "h", "demo", 203, 18981);
      Fault.CRUN_THROTTLE.prepare(lab, s);

      assertThat(s.containerId()).matches("[0-9a-f]{64}");
      assertThat(s.cgroupPath()).isEqualTo("/" + s.containerId());
      assertThat(s.backendLauncher()).containsSequence("--runtime", "crun");
      assertThat(s.events()).isEmpty();
      assertThat(s.producers())
          .anySatisfy(p -> assertThat(p).contains("sched.bt"))
          .anySatisfy(
              p ->
                  assertThat(p)
                      .contains("/sys/fs/cgroup/cpu/" + s.containerId() + "/cpu.stat")
                      .contains("cgroup-sampler.sh --cgroup /" + s.containerId()));
      assertThat(Fault.CRUN_THROTTLE.levels()).isEqualTo(4);
      assertThat(Fault.CRUN_THROTTLE.strength(3)).startsWith("CFS quota 1.0 ms per 100 ms");
      assertThat(Fault.CRUN_THROTTLE.presentFromStart()).isFalse();
    }
  }

  @Test
  void jvmOptionsCannotReachABackendInAContainer() throws Exception {
    try (FaultLab lab = new FaultLab(tmp, tmp, "lab")) {
      FaultSetup s = FaultSetup.create(lab, "h", "demo", 203, 18981);
      Fault.CRUN_THROTTLE.prepare(lab, s);

      assertThatThrownBy(() -> lab.backend(s, List.of("-javaagent:x.jar"), List.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("record-oci.sh");
      assertThat(Fault.CPU_THROTTLE.inOciContainer()).isFalse();
    }
  }
}
