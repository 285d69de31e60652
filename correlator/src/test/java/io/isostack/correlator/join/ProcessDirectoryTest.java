package io.isostack.correlator.join;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import org.junit.jupiter.api.Test;

class ProcessDirectoryTest {
  private static final String CID =
      "c60f8fe0a62695279070962c5fdd707eb8d3af23681c2889290464c5c9307bec";
  private static final String OTHER_CID =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final String POD = "32f6ffa4-9275-4c84-87fb-7f2c66a2ffa0";
  private static final EntityKey PID_4242 = EntityKey.process("node-1", 4242);

  private final ProcessDirectory directory = new ProcessDirectory();

  private static KernelEvent attach(int pid, long cgroupId, String path) {
    return KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
        .at(ms(-60_000))
        .task(pid, pid, "backend")
        .cgroup(cgroupId, path)
        .build();
  }

  private static KernelEvent exec(int pid, double atMs, String comm) {
    return KernelEvent.builder(EventName.PROCESS_EXEC, "node-1")
        .at(ms(atMs))
        .task(pid, pid, comm)
        .build();
  }

  @Test
  void cgroupAttachTeachesThePidsCgroup() {
    directory.learn(attach(4242, 8812, "/demo-backend"));

    ProcessDirectory.ProcessInfo info = directory.process(PID_4242, ms(0));
    assertThat(info.cgroupPath).isEqualTo("/demo-backend");
    assertThat(info.cgroupId).isEqualTo(8812);
    assertThat(info.comm).isEqualTo("backend");
    assertThat(info.containerKey).isNull();
    assertThat(info.podUid).isNull();
    assertThat(directory.processesOfCgroup(EntityKey.cgroup("node-1", "/demo-backend"), ms(0)))
        .containsExactly(PID_4242);
  }

  @Test
  void samePidOnAnotherHostIsAnotherProcess() {
    directory.learn(attach(4242, 0, "/demo-backend"));

    assertThat(directory.process(EntityKey.process("node-2", 4242), ms(0))).isNull();
  }

  @Test
  void eventWithoutAPidTeachesNothing() {
    directory.learn(
        KernelEvent.builder(EventName.CPU_THROTTLED, "node-1")
            .at(ms(0))
            .cgroup(0, "/kubepods/burstable/pod" + POD + "/" + CID)
            .build());

    assertThat(directory.processesOfContainer("c60f8fe0a626", ms(0))).isEmpty();
    assertThat(directory.processesOfPod(POD, ms(0))).isEmpty();
  }

  @Test
  void eventWithAPidButNoEntityFieldsTeachesNothing() {
    directory.learn(
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .interval(ms(0), ms(10))
            .task(4242, 4242, null)
            .build());

    assertThat(directory.process(PID_4242, ms(0))).isNull();
  }

  @Test
  void cgroupPathOfTheCgroupfsDriverNamesContainerAndPod() {
    directory.learn(attach(5000, 0, "/kubepods/burstable/pod" + POD + "/" + CID));

    ProcessDirectory.ProcessInfo info = directory.process(EntityKey.process("node-1", 5000), ms(0));
    assertThat(info.containerKey).isEqualTo("c60f8fe0a626");
    assertThat(info.podUid).isEqualTo(POD);
    assertThat(directory.processesOfContainer("c60f8fe0a626", ms(0)))
        .containsExactly(EntityKey.process("node-1", 5000));
    assertThat(directory.processesOfPod(POD, ms(0)))
        .containsExactly(EntityKey.process("node-1", 5000));
  }

  @Test
  void cgroupPathOfTheSystemdDriverNamesContainerAndPod() {
    String path =
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
            + POD.replace('-', '_')
            + ".slice/cri-containerd-"
            + CID
            + ".scope";
    directory.learn(attach(5000, 0, path));

    ProcessDirectory.ProcessInfo info = directory.process(EntityKey.process("node-1", 5000), ms(0));
    assertThat(info.containerKey).isEqualTo("c60f8fe0a626");
    assertThat(info.podUid).isEqualTo(POD);
  }

  @Test
  void containerIdOfAnEventIsItsOwnFieldBeforeItsCgroupPath() {
    KernelEvent both =
        KernelEvent.builder(EventName.SCHED_OFFCPU, "node-1")
            .at(ms(0))
            .cgroup(0, "/docker/" + CID)
            .container(OTHER_CID, null)
            .build();
    KernelEvent pathOnly =
        KernelEvent.builder(EventName.SCHED_OFFCPU, "node-1")
            .at(ms(0))
            .cgroup(0, "/system.slice/docker-" + CID + ".scope")
            .build();
    KernelEvent neither =
        KernelEvent.builder(EventName.SCHED_OFFCPU, "node-1")
            .at(ms(0))
            .cgroup(0, "/system.slice/sshd.service")
            .build();

    assertThat(ProcessDirectory.containerIdOf(both)).isEqualTo(OTHER_CID);
    assertThat(ProcessDirectory.containerIdOf(pathOnly)).isEqualTo(CID);
    assertThat(ProcessDirectory.containerIdOf(neither)).isNull();
  }

  @Test
  void threadEventDoesNotRenameAProcessNamedByItsMainThread() {
    directory.learn(
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .at(ms(0))
            .task(4242, 4242, "java")
            .build());
    directory.learn(
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .at(ms(1))
            .task(4242, 4250, "GC Thread#0")
            .build());

    assertThat(directory.process(PID_4242, ms(1)).comm).isEqualTo("java");
  }

  @Test
  void mainThreadEventRenamesAProcessFirstSeenThroughAThread() {
    directory.learn(
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .at(ms(0))
            .task(4242, 4250, "GC Thread#0")
            .build());
    directory.learn(
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .at(ms(1))
            .task(4242, 4242, "java")
            .build());

    assertThat(directory.process(PID_4242, ms(1)).comm).isEqualTo("java");
  }

  @Test
  void execOfAReusedPidStartsANewIdentityWithoutTheOldContainer() {
    String path = "/kubepods/burstable/pod" + POD + "/" + CID;
    directory.learn(attach(4242, 8812, path));

    directory.learn(exec(4242, 700, "cron"));

    ProcessDirectory.ProcessInfo info = directory.process(PID_4242, ms(800));
    assertThat(info.comm).isEqualTo("cron");
    assertThat(info.cgroupPath).isNull();
    assertThat(info.cgroupId).isZero();
    assertThat(info.containerKey).isNull();
    assertThat(info.podUid).isNull();
    assertThat(directory.process(PID_4242, ms(60_000))).isSameAs(info);
    assertThat(directory.processesOfContainer("c60f8fe0a626", ms(800))).isEmpty();
    assertThat(directory.processesOfPod(POD, ms(800))).isEmpty();
    assertThat(directory.processesOfCgroup(EntityKey.cgroup("node-1", path), ms(800))).isEmpty();
  }

  @Test
  void identityBeforeTheExecIsKeptForEarlierMoments() {
    String path = "/kubepods/burstable/pod" + POD + "/" + CID;
    directory.learn(attach(4242, 8812, path));
    directory.learn(exec(4242, 700, "cron"));

    ProcessDirectory.ProcessInfo info = directory.process(PID_4242, ms(600));
    assertThat(info.comm).isEqualTo("backend");
    assertThat(info.cgroupPath).isEqualTo(path);
    assertThat(info.containerKey).isEqualTo("c60f8fe0a626");
    assertThat(directory.processesOfContainer("c60f8fe0a626", ms(600))).containsExactly(PID_4242);
    assertThat(directory.processesOfPod(POD, ms(600))).containsExactly(PID_4242);
  }

  @Test
  void eventIsLearnedIntoTheIdentityOfItsTimeWhateverTheOrder() {
    directory.learn(exec(4242, 700, "cron"));
    directory.learn(
        KernelEvent.builder(EventName.SCHED_OFFCPU, "node-1")
            .at(ms(500))
            .task(4242, 4242, "backend")
            .cgroup(0, "/demo-backend")
            .build());

    assertThat(directory.process(PID_4242, ms(600)).cgroupPath).isEqualTo("/demo-backend");
    assertThat(directory.process(PID_4242, ms(800)).cgroupPath).isNull();
    assertThat(directory.process(PID_4242, ms(800)).comm).isEqualTo("cron");
  }

  @Test
  void whatTheNextProcessTaughtBeforeItsExecWasLearnedMovesToTheNextIdentity() {
    directory.learn(attach(4242, 8812, "/demo-backend"));
    directory.learn(
        KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
            .at(ms(800))
            .task(4242, 4242, "cron")
            .cgroup(0, "/system.slice/cron.service")
            .build());

    directory.learn(exec(4242, 700, "cron"));

    ProcessDirectory.ProcessInfo before = directory.process(PID_4242, ms(600));
    ProcessDirectory.ProcessInfo after = directory.process(PID_4242, ms(800));
    assertThat(before.cgroupPath).isNull();
    assertThat(before.cgroupId).isEqualTo(8812);
    assertThat(before.comm).isNull();
    assertThat(after.cgroupPath).isEqualTo("/system.slice/cron.service");
    assertThat(after.cgroupId).isZero();
    assertThat(after.comm).isEqualTo("cron");
  }

  @Test
  void momentAtTheExecBelongsToTheNewIdentity() {
    directory.learn(attach(4242, 0, "/demo-backend"));
    directory.learn(exec(4242, 700, "cron"));

    assertThat(directory.process(PID_4242, ms(700)).comm).isEqualTo("cron");
  }

  @Test
  void pidFirstSeenThroughItsExecHasNoIdentityBefore() {
    directory.learn(exec(4242, 700, "cron"));

    assertThat(directory.process(PID_4242, ms(600))).isNull();
  }

  @Test
  void identityChangesBetweenTwoMomentsAroundAnExecInEitherOrderEndInclusive() {
    directory.learn(exec(4242, 700, "cron"));

    assertThat(directory.identityChangedBetween(PID_4242, ms(100), ms(800))).isTrue();
    assertThat(directory.identityChangedBetween(PID_4242, ms(800), ms(100))).isTrue();
    assertThat(directory.identityChangedBetween(PID_4242, ms(100), ms(700))).isTrue();
    assertThat(directory.identityChangedBetween(PID_4242, ms(700), ms(800))).isFalse();
    assertThat(directory.identityChangedBetween(PID_4242, ms(100), ms(699))).isFalse();
  }

  @Test
  void execOfAnotherPidIsNoChangeOfThisOne() {
    directory.learn(exec(4243, 700, "cron"));

    assertThat(directory.identityChangedBetween(PID_4242, ms(100), ms(800))).isFalse();
  }

  @Test
  void everyExecOfAPidIsAChangeOfIdentity() {
    directory.learn(exec(4242, 700, "cron"));
    directory.learn(exec(4242, 100, "sh"));

    assertThat(directory.identityChangedBetween(PID_4242, ms(50), ms(150))).isTrue();
    assertThat(directory.identityChangedBetween(PID_4242, ms(650), ms(750))).isTrue();
    assertThat(directory.identityChangedBetween(PID_4242, ms(150), ms(650))).isFalse();
  }

  private static KernelEvent exit(int pid, double atMs) {
    return KernelEvent.builder(EventName.PROCESS_EXIT, "node-1")
        .at(ms(atMs))
        .task(pid, pid, "backend")
        .build();
  }

  @Test
  void exitEndsTheIdentityJustAfterItsTime() {
    directory.learn(attach(4242, 8812, "/demo-backend"));
    directory.learn(exit(4242, 700));

    assertThat(directory.process(PID_4242, ms(700)).cgroupPath).isEqualTo("/demo-backend");
    assertThat(directory.process(PID_4242, ms(700) + 1)).isNull();
    assertThat(directory.identityChangedBetween(PID_4242, ms(100), ms(700))).isFalse();
    assertThat(directory.identityChangedBetween(PID_4242, ms(100), ms(700) + 1)).isTrue();
  }

  @Test
  void processThatReusesAPidAfterAnExitIsANewIdentity() {
    directory.learn(attach(4242, 8812, "/demo-backend"));
    directory.learn(exit(4242, 700));
    directory.learn(
        KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
            .at(ms(900))
            .task(4242, 4242, "cron")
            .cgroup(0, "/system.slice/cron.service")
            .build());

    assertThat(directory.process(PID_4242, ms(600)).cgroupPath).isEqualTo("/demo-backend");
    assertThat(directory.process(PID_4242, ms(1000)).cgroupPath)
        .isEqualTo("/system.slice/cron.service");
    assertThat(directory.process(PID_4242, ms(1000)).cgroupId).isZero();
    assertThat(directory.processesOfCgroup(EntityKey.cgroup("node-1", "/demo-backend"), ms(1000)))
        .isEmpty();
    assertThat(directory.processesOfCgroup(EntityKey.cgroup("node-1", "/demo-backend"), ms(600)))
        .containsExactly(PID_4242);
  }

  @Test
  void whatTheNextProcessTaughtBeforeAnExitWasLearnedMovesToTheNextIdentity() {
    directory.learn(attach(4242, 8812, "/demo-backend"));
    directory.learn(
        KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
            .at(ms(900))
            .task(4242, 4242, "cron")
            .cgroup(0, "/system.slice/cron.service")
            .build());

    directory.learn(exit(4242, 700));

    assertThat(directory.process(PID_4242, ms(600)).cgroupPath).isNull();
    assertThat(directory.process(PID_4242, ms(600)).cgroupId).isEqualTo(8812);
    assertThat(directory.process(PID_4242, ms(1000)).cgroupPath)
        .isEqualTo("/system.slice/cron.service");
    assertThat(directory.process(PID_4242, ms(1000)).comm).isEqualTo("cron");
  }

  @Test
  void valueTaughtOnBothSidesOfALateExecStaysWithTheEarlierIdentity() {
    KernelEvent.Builder offcpu =
        KernelEvent.builder(EventName.SCHED_OFFCPU, "node-1")
            .task(4242, 4242, "backend")
            .cgroup(0, "/demo-backend");
    directory.learn(offcpu.at(ms(900)).build());
    directory.learn(offcpu.at(ms(100)).build());

    directory.learn(exec(4242, 700, "backend"));

    assertThat(directory.process(PID_4242, ms(600)).cgroupPath).isEqualTo("/demo-backend");
    assertThat(directory.process(PID_4242, ms(800)).cgroupPath).isNull();
    assertThat(directory.process(PID_4242, ms(800)).comm).isEqualTo("backend");
  }

  @Test
  void containerOfAPidIsTheOneItWasInAtTheMoment() {
    directory.learn(attach(4242, 0, "/kubepods/burstable/pod" + POD + "/" + CID));
    directory.learn(exit(4242, 700));
    directory.learn(
        KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
            .at(ms(900))
            .task(4242, 4242, "worker")
            .cgroup(0, "/docker/" + OTHER_CID)
            .build());

    assertThat(directory.processesOfContainer("c60f8fe0a626", ms(600))).containsExactly(PID_4242);
    assertThat(directory.processesOfContainer("c60f8fe0a626", ms(1000))).isEmpty();
    assertThat(directory.processesOfContainer("0123456789ab", ms(600))).isEmpty();
    assertThat(directory.processesOfContainer("0123456789ab", ms(1000))).containsExactly(PID_4242);
    assertThat(directory.processesOfPod(POD, ms(1000))).isEmpty();
  }
}
