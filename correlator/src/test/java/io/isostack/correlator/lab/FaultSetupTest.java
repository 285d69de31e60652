package io.isostack.correlator.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultSetupTest {
  @TempDir Path tmp;

  @Test
  void namesWhatAFaultCreatesAfterTheTagAndThisProcess() throws Exception {
    try (FaultLab lab = new FaultLab(tmp, tmp, "lab")) {
      FaultSetup s = FaultSetup.create(lab, "h", "fault", 201, 18681);
      long pid = ProcessHandle.current().pid();
      long id = pid % 200 + 20;

      assertThat(s.cgroup).isEqualTo("isostack-fault-" + pid);
      assertThat(s.netns).isEqualTo("isofault" + id);
      assertThat(s.vethHost).isEqualTo("isof" + id + "a").hasSizeLessThan(16);
      assertThat(s.nsIp).isEqualTo("10.201." + id + ".2");
      assertThat(s.frontendPort()).isEqualTo(18680);
      assertThat(s.checkout()).hasToString("http://127.0.0.1:18680/checkout");
    }
  }

  @Test
  void theWorkDirectoryIsRemovedAtClose() throws Exception {
    Path work;
    try (FaultLab lab = new FaultLab(tmp, tmp, "lab")) {
      FaultSetup s = FaultSetup.create(lab, "h", "fault", 201, 18681);
      work = s.work;
      Files.writeString(work.resolve("storm-0"), "x");
    }
    assertThat(work).doesNotExist();
  }

  @Test
  void aTagTooLongForAnInterfaceNameIsRejected() throws Exception {
    try (FaultLab lab = new FaultLab(tmp, tmp, "lab")) {
      assertThatThrownBy(() -> FaultSetup.create(lab, "h", "toolongtag", 201, 18681))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tag");
    }
  }

  @Test
  void asAContainerTheCgroupIsDockerStyleAndNamesTheId() throws Exception {
    try (FaultLab lab = new FaultLab(tmp, tmp, "lab")) {
      String id = Fault.newContainerId();
      FaultSetup s = FaultSetup.create(lab, "h", "corpus", 202, 18281).asContainer(id);

      assertThat(id).matches("[0-9a-f]{64}");
      assertThat(s.cgroupPath()).isEqualTo("/system.slice/docker-" + id + ".scope");
      assertThat(s.containerId()).isEqualTo(id);
      assertThatThrownBy(() -> s.asContainer("abc")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aWriteIopsCapMustBePositive() throws Exception {
    try (FaultLab lab = new FaultLab(tmp, tmp, "lab")) {
      FaultSetup s = FaultSetup.create(lab, "h", "corpus", 202, 18281);

      assertThat(s.withWriteIopsCap(500).writeIopsCap).isEqualTo(500);
      assertThatThrownBy(() -> s.withWriteIopsCap(0)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theContainerLauncherJoinsTheCgroupsThenUnsharesThePidNamespace() {
    assertThat(Fault.joinCgroup(Path.of("/sys/fs/cgroup/cpu/x")))
        .isEqualTo("echo $$ > /sys/fs/cgroup/cpu/x/cgroup.procs && ");
  }
}
