package io.isostack.correlator.join;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CgroupNamesTest {
  private static final String ID =
      "c60f8fe0a62695279070962c5fdd707eb8d3af23681c2889290464c5c9307bec";
  private static final String POD = "32f6ffa4-9275-4c84-87fb-7f2c66a2ffa0";
  private static final String POD_SYSTEMD = POD.replace('-', '_');

  private static final String SYSTEMD =
      "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
          + POD_SYSTEMD
          + ".slice/cri-containerd-"
          + ID
          + ".scope";
  private static final String CGROUPFS = "/kubepods/burstable/pod" + POD + "/" + ID;

  @Test
  void systemdDriverPathGivesTheContainerId() {
    assertThat(CgroupNames.containerId(SYSTEMD)).isEqualTo(ID);
  }

  @Test
  void systemdDriverPathGivesThePodUidWithDashes() {
    assertThat(CgroupNames.podUid(SYSTEMD)).isEqualTo(POD);
  }

  @Test
  void systemdGuaranteedPodWithoutQosSliceGivesThePodUid() {
    String path =
        "/kubepods.slice/kubepods-pod" + POD_SYSTEMD + ".slice/cri-containerd-" + ID + ".scope";
    assertThat(CgroupNames.podUid(path)).isEqualTo(POD);
    assertThat(CgroupNames.containerId(path)).isEqualTo(ID);
  }

  @Test
  void crioScopeGivesTheContainerId() {
    assertThat(CgroupNames.containerId("/kubepods.slice/x.slice/crio-" + ID + ".scope"))
        .isEqualTo(ID);
  }

  @Test
  void cgroupfsDriverPathGivesContainerIdAndPodUid() {
    assertThat(CgroupNames.containerId(CGROUPFS)).isEqualTo(ID);
    assertThat(CgroupNames.podUid(CGROUPFS)).isEqualTo(POD);
  }

  @Test
  void dockerSystemdScopeGivesTheContainerId() {
    assertThat(CgroupNames.containerId("/system.slice/docker-" + ID + ".scope")).isEqualTo(ID);
  }

  @Test
  void dockerCgroupfsPathGivesTheContainerId() {
    assertThat(CgroupNames.containerId("/docker/" + ID)).isEqualTo(ID);
  }

  @Test
  void podLevelCgroupHasAPodButNoContainer() {
    String pod = "/kubepods/burstable/pod" + POD;
    assertThat(CgroupNames.containerId(pod)).isNull();
    assertThat(CgroupNames.podUid(pod)).isEqualTo(POD);
  }

  /**
   * crun's own naming, as crun 1.8.1 made it on this machine (cgroupfs driver) and its sources say.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/" + ID,
        "/system.slice/crun-" + ID + ".scope",
        "/system.slice/crun-" + ID + ".scope/container",
        "/machine.slice/libpod-" + ID + ".scope/container",
        "/system.slice/runc-" + ID + ".scope",
        "/system.slice/docker-" + ID + ".scope/init.scope"
      })
  void ociRuntimePathsGiveTheContainerIdAlsoFromASubCgroup(String path) {
    assertThat(CgroupNames.containerId(path)).isEqualTo(ID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "",
        "/payment",
        "/payment/container",
        "/system.slice/crun-stack-backend.scope",
        "/system.slice/sshd.service",
        "/user.slice/user-1000.slice/session-3.scope",
        "/init.scope",
        "/kubepods.slice/kubepods-burstable.slice",
        "/docker/abc123"
      })
  void nonContainerPathsHaveNoContainerId(String path) {
    assertThat(CgroupNames.containerId(path)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/", "/payment", "/system.slice/sshd.service", "/kubepods.slice", "/docker/" + ID})
  void nonPodPathsHaveNoPodUid(String path) {
    assertThat(CgroupNames.podUid(path)).isNull();
  }

  @Test
  void nullPathHasNeitherContainerNorPod() {
    assertThat(CgroupNames.containerId(null)).isNull();
    assertThat(CgroupNames.podUid(null)).isNull();
  }

  @Test
  void containerKeyIsTheFirstTwelveCharacters() {
    assertThat(CgroupNames.containerKey(ID)).isEqualTo("c60f8fe0a626");
  }

  @Test
  void containerKeyDropsARuntimePrefix() {
    assertThat(CgroupNames.containerKey("containerd://" + ID)).isEqualTo("c60f8fe0a626");
    assertThat(CgroupNames.containerKey("docker://" + ID)).isEqualTo("c60f8fe0a626");
  }

  @Test
  void containerKeyOfAnAbbreviatedIdMatchesTheFullId() {
    assertThat(CgroupNames.containerKey("c60f8fe0a626")).isEqualTo(CgroupNames.containerKey(ID));
    assertThat(CgroupNames.containerKey("containerd://C60F8FE0A6262"))
        .isEqualTo(CgroupNames.containerKey(ID));
  }

  @Test
  void containerKeyOfAnIdShorterThanTwelveIsNull() {
    assertThat(CgroupNames.containerKey("c60f8fe0a62")).isNull();
    assertThat(CgroupNames.containerKey("containerd://c60f8")).isNull();
    assertThat(CgroupNames.containerKey(null)).isNull();
  }
}
