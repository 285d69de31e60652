package io.isostack.correlator.join;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.EvidenceFamily;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import io.isostack.model.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventRouterTest {
  private static final String CID =
      "c60f8fe0a62695279070962c5fdd707eb8d3af23681c2889290464c5c9307bec";
  private static final String POD = "32f6ffa4-9275-4c84-87fb-7f2c66a2ffa0";
  private static final FlowKey CLIENT_SIDE =
      new FlowKey(new Endpoint("10.0.0.1", 51234), new Endpoint("10.0.0.2", 8080), "tcp");

  private final ProcessDirectory processes = new ProcessDirectory();
  private final InterfaceDirectory interfaces = new InterfaceDirectory();
  private final Coverage coverage = new Coverage();
  private final EventRouter router = new EventRouter(processes, interfaces, coverage);
  private final EventIndex index = new EventIndex();

  private static KernelEvent.Builder event(EventName name) {
    return KernelEvent.builder(name, "node-1").interval(ms(100), ms(200));
  }

  private List<EntityKey> keysOf(KernelEvent e) {
    router.index(e, index);
    return new ArrayList<>(index.keys());
  }

  private List<KernelEvent> query(EntityKey key) {
    index.seal();
    List<KernelEvent> out = new ArrayList<>();
    index.query(key, ms(0), ms(1000), out::add);
    return out;
  }

  @Test
  void schedulerEventIsIndexedUnderItsHostPidOnly() {
    KernelEvent runq = event(EventName.SCHED_RUNQ_LATENCY).task(4242, 4243, "worker").build();

    assertThat(keysOf(runq)).containsExactly(EntityKey.process("node-1", 4242));
  }

  @Test
  void theRootCgroupIsNotAnIndexKey() {
    KernelEvent runq =
        event(EventName.SCHED_RUNQ_LATENCY).task(4242, 4243, "worker").cgroup(1, "/").build();

    assertThat(keysOf(runq)).containsExactly(EntityKey.process("node-1", 4242));
  }

  @Test
  void pidOfTheSameNumberOnAnotherHostIsAnotherKey() {
    KernelEvent runq =
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-2")
            .interval(ms(100), ms(200))
            .task(4242, 4242, "worker")
            .build();
    router.index(runq, index);

    assertThat(query(EntityKey.process("node-1", 4242))).isEmpty();
    assertThat(query(EntityKey.process("node-2", 4242))).containsExactly(runq);
  }

  @Test
  void cgroupPathAndCgroupIdAreKeysOfTheirOwn() {
    KernelEvent throttled =
        event(EventName.CPU_THROTTLED).cgroup(8812, "/system.slice/demo-backend.service").build();

    assertThat(keysOf(throttled))
        .containsExactlyInAnyOrder(
            EntityKey.cgroup("node-1", "/system.slice/demo-backend.service"),
            EntityKey.cgroupId("node-1", 8812));
  }

  @Test
  void containerAndPodAreTakenFromTheCgroupPath() {
    String path = "/kubepods/burstable/pod" + POD + "/" + CID;
    KernelEvent runq =
        event(EventName.SCHED_RUNQ_LATENCY).task(5000, 5001, "java").cgroup(0, path).build();

    assertThat(keysOf(runq))
        .containsExactlyInAnyOrder(
            EntityKey.process("node-1", 5000),
            EntityKey.cgroup("node-1", path),
            EntityKey.container("c60f8fe0a626"),
            EntityKey.pod(POD));
  }

  @Test
  void containerAndPodFieldsOfTheEventAreKeysAcrossHosts() {
    KernelEvent denied =
        KernelEvent.builder(EventName.SYSCALL_ERROR, "node-7")
            .at(ms(150))
            .container("containerd://" + CID.toUpperCase(java.util.Locale.ROOT), POD)
            .attrs(Map.of("syscall", "connect", "errno", "EPERM"))
            .build();

    assertThat(keysOf(denied))
        .containsExactlyInAnyOrder(EntityKey.container("c60f8fe0a626"), EntityKey.pod(POD));
    assertThat(EntityKey.container("c60f8fe0a626").host()).isNull();
  }

  @Test
  void flowEventIsIndexedUnderItsFiveTupleAndBothEndpoints() {
    KernelEvent rtt = event(EventName.TCP_RTT).flow(CLIENT_SIDE, 77).value(120, "ms").build();

    assertThat(keysOf(rtt))
        .containsExactlyInAnyOrder(
            new EntityKey(
                EntityKey.Kind.FLOW,
                null,
                new FlowKey(new Endpoint("10.0.0.1", 51234), new Endpoint("10.0.0.2", 8080), null)),
            new EntityKey(EntityKey.Kind.ENDPOINT, null, new Endpoint("10.0.0.1", 51234)),
            new EntityKey(EntityKey.Kind.ENDPOINT, null, new Endpoint("10.0.0.2", 8080)));
  }

  @Test
  void flowEventSeenFromThePeerSocketJoinsTheSameFiveTuple() {
    KernelEvent fromServer =
        event(EventName.TCP_RTT).flow(CLIENT_SIDE.reversed(), 0).value(120, "ms").build();
    router.index(fromServer, index);

    assertThat(query(EntityKey.flow(CLIENT_SIDE))).containsExactly(fromServer);
    assertThat(EntityKey.flow(CLIENT_SIDE.reversed())).isEqualTo(EntityKey.flow(CLIENT_SIDE));
  }

  @Test
  void endpointWithoutAPortIsNotAKey() {
    FlowKey noPorts =
        new FlowKey(new Endpoint("10.0.0.1", 0), new Endpoint("10.0.0.2", 8080), "tcp");
    KernelEvent rtt = event(EventName.TCP_RTT).flow(noPorts, 0).build();

    assertThat(keysOf(rtt))
        .containsExactlyInAnyOrder(
            EntityKey.flow(noPorts),
            new EntityKey(EntityKey.Kind.ENDPOINT, null, new Endpoint("10.0.0.2", 8080)));
  }

  @Test
  void retransmitRaisedInSoftirqJoinsByFlowNeverByTheInterruptedPid() {
    KernelEvent retransmit =
        event(EventName.TCP_RETRANSMIT)
            .at(ms(150))
            .task(4242, 4242, "backend")
            .flow(CLIENT_SIDE, 0)
            .build();

    List<EntityKey> keys = keysOf(retransmit);

    assertThat(keys).doesNotContain(EntityKey.process("node-1", 4242));
    assertThat(keys).contains(EntityKey.flow(CLIENT_SIDE));
  }

  @Test
  void pidZeroSoftirqEventJoinsByFlow() {
    KernelEvent e =
        event(EventName.TCP_RETRANSMIT)
            .at(ms(150))
            .task(0, 0, "swapper/3")
            .flow(CLIENT_SIDE, 0)
            .build();
    router.index(e, index);

    assertThat(index.keys())
        .noneMatch(k -> k.kind() == EntityKey.Kind.PROCESS)
        .noneMatch(k -> k.kind() == EntityKey.Kind.HOST);
    assertThat(query(EntityKey.flow(CLIENT_SIDE))).containsExactly(e);
  }

  @Test
  void pidZeroIsNotAProcessKeyEvenForAPidReliableEvent() {
    KernelEvent idle = event(EventName.SCHED_OFFCPU).task(0, 0, "swapper/0").build();

    assertThat(keysOf(idle)).isEmpty();
  }

  @Test
  void blockCompletionIsHostWideAndNotOfTheInterruptedPid() {
    KernelEvent io =
        event(EventName.BLOCK_IO_LATENCY).task(977, 977, "fluent-bit").dev("vda").build();

    assertThat(keysOf(io)).containsExactly(EntityKey.host("node-1"));
  }

  @Test
  void deviceDropIsHostWideAndByFlowWhenItHasOne() {
    KernelEvent drop =
        event(EventName.NET_DROP)
            .at(ms(150))
            .task(0, 0, null)
            .flow(CLIENT_SIDE, 0)
            .dev("eth0")
            .build();

    assertThat(keysOf(drop)).contains(EntityKey.host("node-1"), EntityKey.flow(CLIENT_SIDE));
  }

  @Test
  void processEventIsNotHostWide() {
    KernelEvent slowIo = event(EventName.FS_SLOW_IO).task(4242, 4242, "backend").build();

    assertThat(keysOf(slowIo)).containsExactly(EntityKey.process("node-1", 4242));
  }

  @Test
  void eventIsCountedOnceHoweverManyKeysItHas() {
    KernelEvent rtt =
        event(EventName.TCP_RTT)
            .flow(CLIENT_SIDE, 0)
            .cgroup(9, "/kubepods/burstable/pod" + POD + "/" + CID)
            .build();
    router.index(rtt, index);

    assertThat(index.eventCount()).isEqualTo(1);
    assertThat(index.referenceCount()).isEqualTo(7);
  }

  @Test
  void directoryRecordsAreLearnedButAreNotEvidence() {
    KernelEvent attach =
        KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
            .at(ms(-60_000))
            .task(4242, 4242, "backend")
            .cgroup(0, "/demo-backend")
            .build();

    assertThat(router.learn(attach)).isFalse();
    assertThat(processes.process(EntityKey.process("node-1", 4242), ms(0)).cgroupPath)
        .isEqualTo("/demo-backend");
  }

  @Test
  void evidenceEventIsLearnedAndKept() {
    KernelEvent runq =
        event(EventName.SCHED_RUNQ_LATENCY)
            .task(4242, 4242, "backend")
            .cgroup(0, "/demo-backend")
            .build();

    assertThat(router.learn(runq)).isTrue();
    assertThat(processes.process(EntityKey.process("node-1", 4242), ms(0)).cgroupPath)
        .isEqualTo("/demo-backend");
  }

  @Test
  void interfaceRecordIsLearnedButIsNotEvidence() {
    KernelEvent nic =
        KernelEvent.builder(EventName.NET_INTERFACE, "node-1")
            .at(ms(0))
            .dev("eth0")
            .attrs(Map.of("driver", "virtio_net", "saddr", "10.0.0.1"))
            .build();

    assertThat(router.learn(nic)).isFalse();
    assertThat(interfaces.deviceOf("node-1", "10.0.0.1")).isEqualTo("eth0");
    assertThat(interfaces.kind("node-1", "eth0")).isEqualTo(DeviceKind.VIRTIO);
  }

  @Test
  void producerStartIsLearnedAsCoverageButIsNotEvidence() {
    KernelEvent start =
        KernelEvent.builder(EventName.PRODUCER_START, "node-1")
            .at(ms(0))
            .attrs(Map.of("covers", "scheduler"))
            .build();

    assertThat(router.learn(start)).isFalse();
    assertThat(coverage.observation("node-1", EvidenceFamily.SCHEDULER, ms(0), ms(0)))
        .isEqualTo(Observation.OBSERVED);
    assertThat(coverage.observation("node-1", EvidenceFamily.NETWORK, ms(0), ms(0)))
        .isEqualTo(Observation.NOT_OBSERVED);
  }

  @Test
  void processExitIsLearnedButIsNotEvidence() {
    KernelEvent exit =
        KernelEvent.builder(EventName.PROCESS_EXIT, "node-1")
            .at(ms(500))
            .task(4242, 4242, "backend")
            .build();

    assertThat(router.learn(exit)).isFalse();
    assertThat(processes.identityChangedBetween(EntityKey.process("node-1", 4242), ms(0), ms(600)))
        .isTrue();
  }

  @Test
  void evidenceEventIsLearnedAsCoverageOfItsFamily() {
    router.learn(event(EventName.TCP_RETRANSMIT).flow(CLIENT_SIDE, 0).build());

    assertThat(coverage.observation("node-1", EvidenceFamily.NETWORK, ms(100), ms(200)))
        .isEqualTo(Observation.OBSERVED);
    assertThat(coverage.observation("node-1", EvidenceFamily.SCHEDULER, ms(100), ms(200)))
        .isEqualTo(Observation.NOT_OBSERVED);
  }
}
