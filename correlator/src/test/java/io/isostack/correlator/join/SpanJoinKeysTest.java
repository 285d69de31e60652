package io.isostack.correlator.join;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.detect.Trace;
import io.isostack.correlator.detect.TraceAssembler;
import io.isostack.model.Endpoint;
import io.isostack.model.EventName;
import io.isostack.model.FlowKey;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import org.junit.jupiter.api.Test;

class SpanJoinKeysTest {
  private static final String CID =
      "c60f8fe0a62695279070962c5fdd707eb8d3af23681c2889290464c5c9307bec";
  private static final String PEER_CID =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final String POD = "32f6ffa4-9275-4c84-87fb-7f2c66a2ffa0";
  private static final String PEER_POD = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";
  private static final String CONTAINER_CGROUP = "/kubepods/burstable/pod" + POD + "/" + CID;

  private final ProcessDirectory directory = new ProcessDirectory();

  private static Trace trace(SpanView... spans) {
    TraceAssembler assembler = new TraceAssembler();
    for (SpanView s : spans) {
      assembler.add(s);
    }
    return assembler.traces().iterator().next();
  }

  private SpanJoinKeys resolve(SpanView span, SpanView... others) {
    SpanView[] all = new SpanView[others.length + 1];
    all[0] = span;
    System.arraycopy(others, 0, all, 1, others.length);
    return SpanJoinKeys.resolve(trace(all), span, "node-0", directory);
  }

  private void learn(String host, int pid, int tid, String comm, long cgroupId, String path) {
    directory.learn(
        KernelEvent.builder(EventName.CGROUP_ATTACH, host)
            .at(ms(-60_000))
            .task(pid, tid, comm)
            .cgroup(cgroupId, path)
            .build());
  }

  private static EntityKey flowKey(String a, int aPort, String b, int bPort) {
    return EntityKey.flow(new FlowKey(new Endpoint(a, aPort), new Endpoint(b, bPort), "tcp"));
  }

  private static EntityKey endpointKey(String address, int port) {
    return EntityKey.endpoint(new Endpoint(address, port));
  }

  /** A client span of pid 4242 calling 10.0.0.2:8080 without knowing its own port. */
  private static SpanView client() {
    return span(1)
        .op("frontend", "GET /pay", SpanKind.CLIENT)
        .pid(4242)
        .at(0, 1000)
        .attr("network.peer.address", "10.0.0.2")
        .attr("network.peer.port", 8080)
        .attr("network.local.address", "10.0.0.1")
        .build();
  }

  @Test
  void theRootCgroupIsNoJoinKey() {
    // On a cgroup-v1 host every task reports the v2 root (id 1); a process in no cgroup of its
    // own is in "/". Neither may join a span to the other processes of the host.
    learn("node-1", 4242, 4242, "java", 1, "/");

    SpanJoinKeys keys = resolve(span(1).pid(4242).build());

    assertThat(keys.keys()).containsExactly(EntityKey.process("node-1", 4242));
  }

  @Test
  void plainProcessJoinsByHostAndPid() {
    SpanJoinKeys keys = resolve(span(1).pid(4242).build());

    assertThat(keys.host()).isEqualTo("node-1");
    assertThat(keys.keys()).containsExactly(EntityKey.process("node-1", 4242));
  }

  @Test
  void spanWithoutHostNameIsOnTheDefaultHost() {
    SpanJoinKeys keys = resolve(span(1).host(null).pid(4242).build());

    assertThat(keys.host()).isEqualTo("node-0");
    assertThat(keys.keys()).containsExactly(EntityKey.process("node-0", 4242));
  }

  @Test
  void containerisedSpanDoesNotJoinByItsNamespacePid() {
    SpanJoinKeys keys = resolve(span(1).pid(1).container(CID).build());

    assertThat(keys.keys()).containsExactly(EntityKey.container("c60f8fe0a626"));
  }

  @Test
  void podSpanDoesNotJoinByItsNamespacePid() {
    SpanJoinKeys keys = resolve(span(1).pid(1).pod(POD).build());

    assertThat(keys.keys()).containsExactly(EntityKey.pod(POD));
  }

  @Test
  void containerisedSpanReachesTheHostPidsAndCgroupSeenInItsContainer() {
    learn("node-1", 5000, 5000, "java", 31, CONTAINER_CGROUP);

    SpanJoinKeys keys = resolve(span(1).pid(1).container(CID).pod(POD).build());

    assertThat(keys.keys())
        .containsExactly(
            EntityKey.container("c60f8fe0a626"),
            EntityKey.pod(POD),
            EntityKey.cgroup("node-1", CONTAINER_CGROUP),
            EntityKey.cgroupId("node-1", 31),
            EntityKey.process("node-1", 5000));
  }

  @Test
  void podSpanWithoutContainerIdReachesTheHostPidsSeenInItsPod() {
    learn("node-1", 5000, 5000, "java", 0, CONTAINER_CGROUP);

    SpanJoinKeys keys = resolve(span(1).pid(1).pod(POD).build());

    assertThat(keys.keys())
        .containsExactly(
            EntityKey.pod(POD),
            EntityKey.cgroup("node-1", CONTAINER_CGROUP),
            EntityKey.container("c60f8fe0a626"),
            EntityKey.process("node-1", 5000));
  }

  @Test
  void abbreviatedContainerIdReachesTheFullIdsProcesses() {
    learn("node-1", 5000, 5000, "java", 0, CONTAINER_CGROUP);

    SpanJoinKeys keys =
        resolve(span(1).pid(1).container("docker://" + CID.substring(0, 12)).build());

    assertThat(keys.keys()).contains(EntityKey.process("node-1", 5000));
  }

  @Test
  void plainProcessReachesTheCgroupLearnedFromCgroupAttach() {
    learn("node-1", 4242, 4242, "backend", 8812, "/demo-backend");

    SpanJoinKeys keys = resolve(span(1).pid(4242).build());

    assertThat(keys.keys())
        .containsExactly(
            EntityKey.cgroup("node-1", "/demo-backend"),
            EntityKey.cgroupId("node-1", 8812),
            EntityKey.process("node-1", 4242));
  }

  private void exec(int pid, double atMs, String comm) {
    directory.learn(
        KernelEvent.builder(EventName.PROCESS_EXEC, "node-1")
            .at(ms(atMs))
            .task(pid, pid, comm)
            .build());
  }

  @Test
  void reuseOfThePidAfterTheSpanDoesNotUnlearnTheSpansCgroup() {
    learn("node-1", 4242, 4242, "backend", 8812, "/demo-backend");
    exec(4242, 5000, "cron");

    SpanJoinKeys keys = resolve(span(1).pid(4242).at(0, 1000).build());

    assertThat(keys.keys())
        .containsExactly(
            EntityKey.cgroup("node-1", "/demo-backend"),
            EntityKey.cgroupId("node-1", 8812),
            EntityKey.process("node-1", 4242));
  }

  @Test
  void cgroupOfAProcessThatReusedThePidAfterTheSpanIsNotTheSpans() {
    exec(4242, 5000, "cron");
    directory.learn(
        KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
            .at(ms(5001))
            .task(4242, 4242, "cron")
            .cgroup(0, "/system.slice/cron.service")
            .build());

    SpanJoinKeys keys = resolve(span(1).pid(4242).at(0, 1000).build());

    assertThat(keys.keys()).containsExactly(EntityKey.process("node-1", 4242));
  }

  @Test
  void cgroupOfTheNextProcessLearnedBeforeItsExecIsNotTheEarlierSpans() {
    directory.learn(
        KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
            .at(ms(5001))
            .task(4242, 4242, "cron")
            .cgroup(0, "/system.slice/cron.service")
            .build());
    exec(4242, 5000, "cron");

    SpanJoinKeys keys = resolve(span(1).pid(4242).at(0, 1000).build());

    assertThat(keys.keys()).containsExactly(EntityKey.process("node-1", 4242));
  }

  @Test
  void containerOfAPidReusedAfterTheSpanStillHoldsThatPid() {
    learn("node-1", 5000, 5000, "java", 0, CONTAINER_CGROUP);
    exec(5000, 5000, "cron");

    SpanJoinKeys keys = resolve(span(1).pid(1).container(CID).at(0, 1000).build());

    assertThat(keys.keys()).contains(EntityKey.process("node-1", 5000));
  }

  @Test
  void containerOfAPidBeforeItWasReusedDoesNotHoldThatPidLater() {
    learn("node-1", 5000, 5000, "java", 0, CONTAINER_CGROUP);
    exec(5000, -1000, "cron");

    SpanJoinKeys keys = resolve(span(1).pid(1).container(CID).at(0, 1000).build());

    assertThat(keys.keys()).containsExactly(EntityKey.container("c60f8fe0a626"));
  }

  private void exit(int pid, double atMs) {
    directory.learn(
        KernelEvent.builder(EventName.PROCESS_EXIT, "node-1")
            .at(ms(atMs))
            .task(pid, pid, "java")
            .build());
  }

  @Test
  void containerOfAPidThatExitedBeforeTheSpanDoesNotHoldThatPid() {
    learn("node-1", 5000, 5000, "java", 0, CONTAINER_CGROUP);
    exit(5000, -1000);

    SpanJoinKeys keys = resolve(span(1).pid(1).container(CID).at(0, 1000).build());

    assertThat(keys.keys()).containsExactly(EntityKey.container("c60f8fe0a626"));
  }

  @Test
  void pidThatJoinsTheContainerOnlyAfterReuseIsNotItsDuringTheSpan() {
    learn("node-1", 5000, 5000, "cron", 0, "/system.slice/cron.service");
    exit(5000, 2000);
    directory.learn(
        KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
            .at(ms(3000))
            .task(5000, 5000, "java")
            .cgroup(0, CONTAINER_CGROUP)
            .build());

    SpanJoinKeys during = resolve(span(1).pid(1).container(CID).at(0, 1000).build());
    SpanJoinKeys after = resolve(span(1).pid(1).container(CID).at(4000, 5000).build());

    assertThat(during.keys()).containsExactly(EntityKey.container("c60f8fe0a626"));
    assertThat(after.keys()).contains(EntityKey.process("node-1", 5000));
    assertThat(after.keys())
        .doesNotContain(EntityKey.cgroup("node-1", "/system.slice/cron.service"));
  }

  @Test
  void podOfAPidThatExitedBeforeTheSpanDoesNotHoldThatPid() {
    learn("node-1", 5000, 5000, "java", 0, CONTAINER_CGROUP);
    exit(5000, -1000);

    SpanJoinKeys keys = resolve(span(1).pid(1).pod(POD).at(0, 1000).build());

    assertThat(keys.keys()).containsExactly(EntityKey.pod(POD));
  }

  @Test
  void cgroupOfTheSamePidOnAnotherHostIsNotLearned() {
    learn("node-2", 4242, 4242, "backend", 8812, "/demo-backend");

    SpanJoinKeys keys = resolve(span(1).pid(4242).build());

    assertThat(keys.keys()).containsExactly(EntityKey.process("node-1", 4242));
  }

  @Test
  void clientTakesItsLocalPortFromItsServerSideChild() {
    SpanView server =
        span(2)
            .parent(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .at(100, 900)
            .attr("server.address", "10.0.0.2")
            .attr("server.port", 8080)
            .attr("client.address", "10.0.0.1")
            .attr("client.port", 51234)
            .build();

    SpanJoinKeys keys = resolve(client(), server);

    assertThat(keys.keys())
        .containsExactly(
            EntityKey.process("node-1", 4242), flowKey("10.0.0.1", 51234, "10.0.0.2", 8080));
    assertThat(keys.localAddress()).isEqualTo("10.0.0.1");
    assertThat(keys.networked()).isTrue();
  }

  @Test
  void clientDoesNotTakeTheLocalPortOfAChildListeningOnAnotherPort() {
    SpanView server =
        span(2)
            .parent(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .at(100, 900)
            .attr("server.address", "10.0.0.2")
            .attr("server.port", 9090)
            .attr("client.address", "10.0.0.1")
            .attr("client.port", 51234)
            .build();

    SpanJoinKeys keys = resolve(client(), server);

    assertThat(keys.keys())
        .containsExactly(EntityKey.process("node-1", 4242), endpointKey("10.0.0.2", 8080));
    assertThat(keys.localAddress()).isNull();
  }

  @Test
  void clientWithoutItsLocalPortJoinsThePeerEndpoint() {
    SpanJoinKeys keys = resolve(client());

    assertThat(keys.keys())
        .containsExactly(EntityKey.process("node-1", 4242), endpointKey("10.0.0.2", 8080));
    assertThat(keys.networked()).isTrue();
  }

  @Test
  void serverWithoutItsClientPortJoinsItsListeningEndpoint() {
    SpanView server =
        span(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .attr("server.address", "10.0.0.2")
            .attr("server.port", 8080)
            .build();

    assertThat(resolve(server).keys()).containsExactly(endpointKey("10.0.0.2", 8080));
  }

  @Test
  void serverJoinsByTheFiveTupleOfTheOlderConventionNames() {
    SpanView server =
        span(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .attr("net.peer.ip", "::ffff:10.0.0.1")
            .attr("net.peer.port", 51234)
            .attr("net.host.ip", "10.0.0.2")
            .attr("net.host.port", 8080)
            .build();

    SpanJoinKeys keys = resolve(server);

    assertThat(keys.keys()).containsExactly(flowKey("10.0.0.2", 8080, "10.0.0.1", 51234));
    assertThat(keys.localAddress()).isEqualTo("10.0.0.2");
  }

  @Test
  void internalSpanIsNotNetworked() {
    SpanView internal =
        span(1)
            .op("backend", "compute", SpanKind.INTERNAL)
            .attr("network.peer.address", "10.0.0.2")
            .build();

    assertThat(resolve(internal).networked()).isFalse();
  }

  @Test
  void clientJoinsTheContainerAndPodOfItsServerSideChildAsPeer() {
    SpanView server =
        span(2)
            .parent(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .pid(1)
            .container(PEER_CID)
            .pod(PEER_POD)
            .at(100, 900)
            .build();

    SpanJoinKeys keys = resolve(client(), server);

    assertThat(keys.peerKeys())
        .containsExactly(EntityKey.container("0123456789ab"), EntityKey.pod(PEER_POD));
    assertThat(keys.keys()).doesNotContain(EntityKey.container("0123456789ab"));
  }

  @Test
  void peerKeysHoldThePeersCgroupButNotItsProcess() {
    learn("node-1", 777, 777, "backend", 0, "/peer-backend");
    SpanView server =
        span(2).parent(1).op("backend", "GET /pay", SpanKind.SERVER).pid(777).at(100, 900).build();

    SpanJoinKeys keys = resolve(client(), server);

    assertThat(keys.peerKeys()).containsExactly(EntityKey.cgroup("node-1", "/peer-backend"));
  }

  @Test
  void peerInTheClientsOwnContainerAddsNoPeerKeys() {
    SpanView caller =
        span(1).op("frontend", "GET /pay", SpanKind.CLIENT).pid(1).container(CID).build();
    SpanView server =
        span(2).parent(1).op("backend", "GET /pay", SpanKind.SERVER).pid(1).container(CID).build();

    assertThat(resolve(caller, server).peerKeys()).isEmpty();
  }

  @Test
  void serverSpanHasNoPeerKeys() {
    SpanView outer = span(1).op("gateway", "GET /", SpanKind.SERVER).pid(4242).build();
    SpanView inner =
        span(2).parent(1).op("backend", "GET /", SpanKind.SERVER).container(PEER_CID).build();

    assertThat(resolve(outer, inner).peerKeys()).isEmpty();
  }

  @Test
  void threadNameIsCutToTheKernelsFifteenBytes() {
    SpanJoinKeys keys = resolve(span(1).pid(4242).thread("http-nio-8080-exec-1").build());

    assertThat(keys.threadComm()).isEqualTo("http-nio-8080-e");
  }

  @Test
  void shortThreadNameIsKeptWhole() {
    assertThat(resolve(span(1).pid(4242).thread("worker-1").build()).threadComm())
        .isEqualTo("worker-1");
  }

  @Test
  void clientWithoutAThreadNameRunsOnItsParentsThreadInTheSameProcess() {
    SpanView server =
        span(1).op("frontend", "GET /", SpanKind.SERVER).pid(4242).thread("worker-1").build();
    SpanView call = span(2).parent(1).op("frontend", "GET /pay", SpanKind.CLIENT).pid(4242).build();

    assertThat(SpanJoinKeys.resolve(trace(server, call), call, "node-0", directory).threadComm())
        .isEqualTo("worker-1");
  }

  @Test
  void threadNameOfAParentInAnotherServiceIsNotInherited() {
    SpanView caller =
        span(1).op("frontend", "GET /", SpanKind.CLIENT).pid(4242).thread("worker-1").build();
    SpanView server = span(2).parent(1).op("backend", "GET /", SpanKind.SERVER).pid(4242).build();

    assertThat(
            SpanJoinKeys.resolve(trace(caller, server), server, "node-0", directory).threadComm())
        .isNull();
  }

  @Test
  void spanWithoutAThreadNameHasNoThreadComm() {
    assertThat(resolve(span(1).pid(4242).build()).threadComm()).isNull();
  }

  @Test
  void sandboxExecutableMakesTheSpanSandboxed() {
    assertThat(resolve(span(1).pid(4242).executable("runsc-sandbox").build()).sandbox()).isTrue();
  }

  @Test
  void ordinaryExecutableIsNotSandboxed() {
    assertThat(resolve(span(1).pid(4242).executable("java").build()).sandbox()).isFalse();
  }

  @Test
  void containerWhoseHostProcessIsASandboxRuntimeIsSandboxed() {
    learn("node-1", 5000, 5000, "runsc-gofer", 0, CONTAINER_CGROUP);

    assertThat(resolve(span(1).pid(1).container(CID).executable("python3").build()).sandbox())
        .isTrue();
  }

  @Test
  void sandboxRuntimesAreRecognisedByNamePrefixInAnyCase() {
    assertThat(SpanJoinKeys.isSandbox("Firecracker")).isTrue();
    assertThat(SpanJoinKeys.isSandbox("kata-agent")).isTrue();
    assertThat(SpanJoinKeys.isSandbox("containerd-shim-kata-v2")).isTrue();
    assertThat(SpanJoinKeys.isSandbox("wasmtime")).isTrue();
    assertThat(SpanJoinKeys.isSandbox("gvisor-proxy")).isTrue();
    assertThat(SpanJoinKeys.isSandbox("java")).isFalse();
    assertThat(SpanJoinKeys.isSandbox("containerd-shim-runc-v2")).isFalse();
    assertThat(SpanJoinKeys.isSandbox(null)).isFalse();
  }
}
