package io.isostack.correlator.lab;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The sample backend as a real OCI container, for the faults of the OCI runtimes' layers: {@code
 * samples/oci/run-backend.sh} (an OCI bundle, the runtime's own cgroup naming, the container id in
 * the spans' {@code container.id}) run as the set-up's backend launcher, under {@code crun} (L-3)
 * or {@code runsc} (gVisor, L-4). The container shares the host's network, so the backend listens
 * on 127.0.0.1 and exports OTLP to the correlator there. Stateless.
 */
final class OciBackend {
  private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

  private OciBackend() {}

  /**
   * Makes the set-up's backend a container of {@code runtime} with a new Docker-style id: its
   * launcher, its cgroup ({@code /<id>}, crun's cgroupfs naming) and container id; registers an
   * undo step that force-deletes the container should its launcher not have (it deletes it when
   * stopped) and removes the cgroups the runtime left.
   *
   * @param runtime {@code crun} or {@code runsc}
   * @param runtimeFlags the runtime's global flags ({@code --root=DIR}, {@code --platform=ptrace})
   * @param nice added to the container's nice value, over the launcher's {@link FaultLab#PRIORITY}
   * @return the container id
   */
  static String launch(
      FaultLab lab, FaultSetup s, String runtime, List<String> runtimeFlags, int nice) {
    String id = Fault.newContainerId();
    s.containerId = id;
    s.cgroup = id;
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "bash",
                s.ebpf.resolveSibling("oci").resolve("run-backend.sh").toString(),
                "--id",
                id,
                "--port",
                Integer.toString(s.backendPort()),
                "--host",
                s.host,
                "--jar",
                lab.sampleJar().toString(),
                "--dir",
                s.work.resolve("oci").toAbsolutePath().toString(),
                "--nice",
                Integer.toString(nice),
                "--runtime",
                runtime));
    for (String flag : runtimeFlags) {
      cmd.add("--runtime-flag");
      cmd.add(flag);
    }
    s.backendLauncher.addAll(cmd);
    List<String> delete =
        new ArrayList<>(
            List.of(
                "unshare",
                "-m",
                "sh",
                "-c",
                "umount -l /sys/fs/cgroup/unified 2>/dev/null; exec \"$@\"",
                "rt",
                runtime));
    delete.addAll(runtimeFlags);
    delete.addAll(List.of("delete", "--force", id));
    lab.onClose(
        () -> {
          FaultLab.quietly(delete.toArray(new String[0]));
          removeCgroups(id);
        });
    return id;
  }

  /**
   * Removes the container's cgroups ({@code /sys/fs/cgroup/<controller>/<id>}) that its runtime
   * left behind (runsc does, on cgroupfs), each once its processes have left (at most 5 s).
   */
  private static void removeCgroups(String id) throws Exception {
    try (DirectoryStream<Path> controllers = Files.newDirectoryStream(CGROUPS)) {
      for (Path c : controllers) {
        Path dir = c.resolve(id);
        if (!Files.isSymbolicLink(c) && Files.isDirectory(dir)) {
          FaultLab.await(
              Duration.ofSeconds(5), () -> Files.readString(dir.resolve("cgroup.procs")).isBlank());
          Files.deleteIfExists(dir);
        }
      }
    }
  }

  /**
   * A producer command that waits (at most 120 s) until the container's v1 cpu cgroup exists (the
   * runtime creates it when the container starts, after the producers), then runs {@code
   * cgroup-sampler.sh} on it.
   */
  static String cgroupSampler(FaultSetup s) {
    Path dir = Path.of("/sys/fs/cgroup/cpu", s.cgroup);
    return "for i in $(seq 600); do [ -r "
        + dir.resolve("cpu.stat")
        + " ] && break; sleep 0.2; done; exec bash "
        + s.ebpf.resolve("cgroup-sampler.sh")
        + " --cgroup /"
        + s.cgroup
        + " --host "
        + s.host
        + " --interval-ms 100";
  }
}
