package io.isostack.correlator.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@link Fault#CRUN_THROTTLE}: the backend in a real OCI container under crun ({@link OciBackend}),
 * a CFS quota written to the cgroup crun made for it ({@code /sys/fs/cgroup/cpu/<id>}, v1): L-3 CPU
 * throttling, joined through crun's cgroup path to the spans' {@code container.id}. Stateless.
 */
final class CrunThrottle implements FaultSteps {
  /** Quota per 100 ms period, microseconds, by level: 10 %, 5 %, 2.5 %, 1 % of one CPU. */
  private static final int[] QUOTA_US = {10_000, 5_000, 2_500, 1_000};

  @Override
  public String expected() {
    return "L-3 container (crun), CPU throttling";
  }

  @Override
  public void prepare(FaultLab lab, FaultSetup s) {
    OciBackend.launch(lab, s, "crun", List.of(), 0);
    s.producers.add(s.bpftrace("sched.bt", "1000"));
    s.producers.add(OciBackend.cgroupSampler(s));
  }

  @Override
  public void induce(FaultLab lab, FaultSetup s, Process backend, int level) throws IOException {
    Path cgroup = Path.of("/sys/fs/cgroup/cpu", s.cgroup);
    Files.writeString(cgroup.resolve("cpu.cfs_period_us"), "100000");
    Files.writeString(cgroup.resolve("cpu.cfs_quota_us"), Integer.toString(QUOTA_US[level]));
  }

  @Override
  public int levels() {
    return QUOTA_US.length;
  }

  @Override
  public String strength(int level) {
    return String.format(
        Locale.ROOT, "CFS quota %.1f ms per 100 ms on crun's cgroup", QUOTA_US[level] / 1000.0);
  }

  @Override
  public String missing() {
    return HostTools.onPath("crun") && HostTools.onPath("unshare")
        ? null
        : "the crun-throttle fault needs crun and unshare (apt-get install crun util-linux)";
  }

  @Override
  public boolean inOciContainer() {
    return true;
  }
}
