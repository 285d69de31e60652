package io.isostack.correlator.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isostack.correlator.join.DeviceKind;
import io.isostack.model.EventName;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RuleTableTest {
  private static final RuleTable DEFAULTS = RuleTable.defaults();
  private static final RuleContext PLAIN = new RuleContext(false, false, DeviceKind.UNKNOWN);
  private static final RuleContext SANDBOX =
      new RuleContext(true, false, DeviceKind.SANDBOX_NETSTACK);
  private static final RuleContext QUOTA = new RuleContext(false, true, DeviceKind.UNKNOWN);
  private static final RuleContext LIMITED =
      new RuleContext(false, false, true, DeviceKind.UNKNOWN);
  private static final RuleContext VIRTIO = new RuleContext(false, false, DeviceKind.VIRTIO);
  private static final RuleContext VETH = new RuleContext(false, false, DeviceKind.VETH);

  private static KernelEvent event(EventName name, String... attrs) {
    KernelEvent.Builder b = KernelEvent.builder(name, "node-1").interval(1_000, 2_000);
    Map<String, String> map = new java.util.HashMap<>();
    for (int i = 0; i < attrs.length; i += 2) {
      map.put(attrs[i], attrs[i + 1]);
    }
    return b.attrs(map).build();
  }

  private static KernelEvent log(String message) {
    return event(EventName.LOG, "message", message);
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(RuleTableTest.class.getResource(name).toURI());
  }

  /** docs/METHOD.md §3.1, transcribed: a log line containing each keyword, and its layer. */
  static Stream<Arguments> logKeywords() {
    return Stream.of(
        Arguments.of("kvm: vcpu0 EPT violation at gpa 0x7f000", IsolationLayer.L0),
        Arguments.of("kvm: VMX operation failed on cpu 3", IsolationLayer.L0),
        Arguments.of("ccp 0000:05:00.1: SEV initialization failed", IsolationLayer.L0),
        Arguments.of("ixgbevf 0000:03:10.0: VF reset", IsolationLayer.L0),
        Arguments.of("kvm: VMCS corruption detected on vcpu 1", IsolationLayer.L1),
        Arguments.of("libvirtd: QEMU process crashed (signal 11)", IsolationLayer.L1),
        Arguments.of("vpxd: vMotion failed for vm-42", IsolationLayer.L1),
        Arguments.of("VMWP.exe worker for VM 'db' stopped unexpectedly", IsolationLayer.L1),
        Arguments.of("xen: grant table error on domain 7", IsolationLayer.L2),
        Arguments.of("xen: event channel broken for port 12", IsolationLayer.L2),
        Arguments.of("virtio-net driver not loaded", IsolationLayer.L2),
        Arguments.of("virtio_net virtio0 eth0: tx timeout", IsolationLayer.L2),
        Arguments.of("hv_vmbus: VMBus initialization failed", IsolationLayer.L2),
        Arguments.of("container payment OOMKilled", IsolationLayer.L3),
        Arguments.of("pod order-6b8f ContainerCreating for 45s", IsolationLayer.L3),
        Arguments.of("runc: namespace creation failed: EPERM", IsolationLayer.L3),
        Arguments.of("seccomp: Operation not permitted (syscall=connect)", IsolationLayer.L3),
        Arguments.of("CAP_NET_ADMIN: capability not permitted", IsolationLayer.L3),
        Arguments.of("runsc: Sentry syscall denied: connect", IsolationLayer.L4),
        Arguments.of("runsc: Gofer broken pipe", IsolationLayer.L4),
        Arguments.of("Firecracker MicroVM failed to start: kvm", IsolationLayer.L4),
        Arguments.of("containerd: Kata shimv2 timeout after 30s", IsolationLayer.L4));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("logKeywords")
  void everyLogKeywordOfMethodSection31HasARuleForItsLayer(String message, IsolationLayer layer) {
    Rule rule = DEFAULTS.match(log(message), PLAIN);
    assertThat(rule).as(message).isNotNull();
    assertThat(rule.layerFor(PLAIN)).as(message).isEqualTo(layer);
  }

  @Test
  void wasiOperationNotPermittedIsSandboxLayer() {
    Rule rule = DEFAULTS.match(log("wasmtime: WASI operation not permitted: path_open"), PLAIN);
    assertThat(rule).isNotNull();
    assertThat(rule.layerFor(PLAIN)).isEqualTo(IsolationLayer.L4);
  }

  @Test
  void virtioTxTimeoutLogIsTheParavirtNetworkSlice() {
    Rule rule = DEFAULTS.match(log("virtio_net virtio0 eth0: tx timeout"), PLAIN);
    assertThat(rule.layer()).isEqualTo(IsolationLayer.L2);
    assertThat(rule.network()).isTrue();
  }

  @Test
  void vfResetLogIsTheHardwareNetworkSlice() {
    Rule rule = DEFAULTS.match(log("i40e 0000:3b:00.0: VF reset: vf 3"), PLAIN);
    assertThat(rule.layer()).isEqualTo(IsolationLayer.L0);
    assertThat(rule.network()).isTrue();
  }

  @Test
  void logKeywordsMatchCaseInsensitively() {
    Rule rule = DEFAULTS.match(log("CONTAINER OOMKILLED"), PLAIN);
    assertThat(rule).isNotNull();
    assertThat(rule.layer()).isEqualTo(IsolationLayer.L3);
  }

  @Test
  void logWithoutAKeywordMatchesNoRule() {
    assertThat(DEFAULTS.match(log("eth0: link up, 10Gbps full duplex"), PLAIN)).isNull();
    assertThat(DEFAULTS.match(event(EventName.LOG), PLAIN)).isNull();
  }

  /** docs/METHOD.md §3.2, transcribed: each kernel signal as a canonical event, and its layer. */
  static Stream<Arguments> kernelSignals() {
    return Stream.of(
        Arguments.of(
            "run-queue latency",
            event(EventName.SCHED_RUNQ_LATENCY),
            LIMITED,
            IsolationLayer.L3,
            false),
        Arguments.of(
            "run-queue latency without a CPU limit",
            event(EventName.SCHED_RUNQ_LATENCY),
            PLAIN,
            IsolationLayer.HOST,
            false),
        Arguments.of(
            "off-CPU while runnable",
            event(EventName.SCHED_OFFCPU, "state", "R"),
            LIMITED,
            IsolationLayer.L3,
            false),
        Arguments.of(
            "off-CPU while runnable without a CPU limit",
            event(EventName.SCHED_OFFCPU, "state", "R"),
            PLAIN,
            IsolationLayer.HOST,
            false),
        Arguments.of(
            "CFS throttling", event(EventName.CPU_THROTTLED), PLAIN, IsolationLayer.L3, false),
        Arguments.of(
            "memory-limit kill", event(EventName.MEM_OOM_KILL), PLAIN, IsolationLayer.L3, false),
        Arguments.of(
            "veth softirq delay",
            event(EventName.NET_SOFTIRQ_LATENCY),
            PLAIN,
            IsolationLayer.L3,
            true),
        Arguments.of(
            "conntrack insert failures",
            event(EventName.NET_CONNTRACK_INSERT_FAILED),
            PLAIN,
            IsolationLayer.L3,
            true),
        Arguments.of(
            "seccomp filter latency",
            event(EventName.SECCOMP_LATENCY),
            SANDBOX,
            IsolationLayer.L4,
            false),
        Arguments.of(
            "syscall denied by a filter",
            event(EventName.SYSCALL_ERROR, "syscall", "connect", "errno", "EPERM"),
            SANDBOX,
            IsolationLayer.L4,
            false),
        Arguments.of(
            "Sentry slow syscall",
            event(EventName.SYSCALL_LATENCY, "syscall", "recvmsg"),
            SANDBOX,
            IsolationLayer.L4,
            false),
        Arguments.of(
            "virtqueue full",
            event(EventName.NET_QUEUE_FULL, "queue", "tx0"),
            VIRTIO,
            IsolationLayer.L2,
            true),
        Arguments.of("XDP drops", event(EventName.NET_XDP_DROP), VIRTIO, IsolationLayer.L2, true),
        Arguments.of(
            "TCP retransmit", event(EventName.TCP_RETRANSMIT), VIRTIO, IsolationLayer.L2, true),
        Arguments.of("RTT", event(EventName.TCP_RTT), VIRTIO, IsolationLayer.L2, true),
        Arguments.of(
            "connect latency", event(EventName.TCP_CONNECT_LATENCY), VETH, IsolationLayer.L3, true),
        Arguments.of(
            "block I/O latency",
            event(EventName.BLOCK_IO_LATENCY, "op", "write"),
            PLAIN,
            IsolationLayer.HOST,
            false),
        Arguments.of(
            "slow files",
            event(EventName.FS_SLOW_IO, "file", "app.log"),
            PLAIN,
            IsolationLayer.HOST,
            false),
        Arguments.of(
            "VM exit", event(EventName.KVM_EXIT, "reason", "HLT"), PLAIN, IsolationLayer.L1, false),
        Arguments.of(
            "EPT fault",
            event(EventName.KVM_EXIT, "reason", "EPT_VIOLATION"),
            PLAIN,
            IsolationLayer.L0,
            false),
        Arguments.of(
            "EPT fault (kvm.bt)",
            event(EventName.KVM_EPT_FAULT, "reason", "npf"),
            PLAIN,
            IsolationLayer.L0,
            false),
        Arguments.of(
            "VM exit to the VMM's user space",
            event(EventName.KVM_EXIT, "reason", "KVM_EXIT_IO", "userspace", "1"),
            PLAIN,
            IsolationLayer.L1,
            false),
        Arguments.of("guest steal", event(EventName.CPU_STEAL), PLAIN, IsolationLayer.L1, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kernelSignals")
  void everyKernelSignalOfMethodSection32HasARuleForItsLayer(
      String signal, KernelEvent e, RuleContext context, IsolationLayer layer, boolean network) {
    Rule rule = DEFAULTS.match(e, context);
    assertThat(rule).as(signal).isNotNull();
    assertThat(rule.layerFor(context)).as(signal).isEqualTo(layer);
    assertThat(rule.network()).as(signal).isEqualTo(network);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"HLT", "hlt", "idle-halt", "KVM_EXIT_HLT"})
  void haltExitsAreTheGuestsIdleTimeAndExplainNothing(String reason) {
    Rule rule = DEFAULTS.match(event(EventName.KVM_EXIT, "reason", reason), PLAIN);
    assertThat(rule.id()).isEqualTo("vm-exit-idle");
    assertThat(rule.weight()).isEqualTo(Weight.NONE);
  }

  @Test
  void busyVmExitsAndEptFaultsAndStealExplainTime() {
    for (KernelEvent e :
        List.of(
            event(EventName.KVM_EXIT, "reason", "io"),
            event(EventName.KVM_EPT_FAULT, "reason", "EPT_VIOLATION"),
            event(EventName.CPU_STEAL, "cpu", "0"))) {
      Rule rule = DEFAULTS.match(e, PLAIN);
      assertThat(rule.weight()).as(e.name().wire()).isEqualTo(Weight.INTERVAL);
      assertThat(rule.join()).as(e.name().wire()).isEqualTo(Join.VM);
      assertThat(rule.method()).as(e.name().wire()).startsWith("§3.2");
    }
  }

  @Test
  void connectionLifetimeHasARuleForTheDevicesNetworkSlice() {
    assertThat(DEFAULTS.covers(EventName.TCP_LIFETIME)).isTrue();
    Rule rule = DEFAULTS.match(event(EventName.TCP_LIFETIME), VIRTIO);
    assertThat(rule).isNotNull();
    assertThat(rule.layerFor(VIRTIO)).isEqualTo(IsolationLayer.L2);
    assertThat(rule.network()).isTrue();
  }

  @Test
  void deniedSyscallIsSandboxLayerUnderASandbox() {
    KernelEvent e = event(EventName.SYSCALL_ERROR, "syscall", "connect", "errno", "EPERM");
    assertThat(DEFAULTS.match(e, SANDBOX).layerFor(SANDBOX)).isEqualTo(IsolationLayer.L4);
  }

  @Test
  void deniedSyscallIsContainerLayerOutsideASandbox() {
    KernelEvent e = event(EventName.SYSCALL_ERROR, "syscall", "connect", "errno", "EPERM");
    assertThat(DEFAULTS.match(e, PLAIN).layerFor(PLAIN)).isEqualTo(IsolationLayer.L3);
  }

  @Test
  void numericNegativeErrnoIsUnderstoodByName() {
    KernelEvent e = event(EventName.SYSCALL_ERROR, "syscall", "connect", "errno", "-1");
    assertThat(DEFAULTS.match(e, PLAIN))
        .isNotNull()
        .extracting(Rule::cause)
        .isEqualTo("seccomp-denied");
  }

  @Test
  void syscallErrorOtherThanADenialIsNotEvidence() {
    KernelEvent e = event(EventName.SYSCALL_ERROR, "syscall", "connect", "errno", "ECONNREFUSED");
    assertThat(DEFAULTS.match(e, SANDBOX)).isNull();
  }

  @Test
  void runQueueLatencyIsThrottlingUnderAQuotaContainerWaitUnderALimitElseHostSaturation() {
    assertThat(DEFAULTS.match(event(EventName.SCHED_RUNQ_LATENCY), QUOTA).cause())
        .isEqualTo("cpu-throttle");
    assertThat(DEFAULTS.match(event(EventName.SCHED_RUNQ_LATENCY), LIMITED).cause())
        .isEqualTo("runqueue-latency");
    Rule plain = DEFAULTS.match(event(EventName.SCHED_RUNQ_LATENCY), PLAIN);
    assertThat(plain.cause()).isEqualTo("cpu-saturation");
    assertThat(plain.layerFor(PLAIN)).isEqualTo(IsolationLayer.HOST);
  }

  @Test
  void sleepingOffCpuIsNotEvidence() {
    assertThat(DEFAULTS.match(event(EventName.SCHED_OFFCPU, "state", "S"), PLAIN)).isNull();
  }

  @Test
  void retransmitOnAVethIsTheContainerNetworkSlice() {
    Rule rule = DEFAULTS.match(event(EventName.TCP_RETRANSMIT), VETH);
    assertThat(rule.layerFor(VETH)).isEqualTo(IsolationLayer.L3);
    assertThat(rule.network()).isTrue();
  }

  @Test
  void retransmitOnAVirtioNicIsTheParavirtNetworkSlice() {
    Rule rule = DEFAULTS.match(event(EventName.TCP_RETRANSMIT), VIRTIO);
    assertThat(rule.layerFor(VIRTIO)).isEqualTo(IsolationLayer.L2);
    assertThat(rule.network()).isTrue();
  }

  @Test
  void fullQueueOfAVethIsNotAVirtqueue() {
    Rule rule = DEFAULTS.match(event(EventName.NET_QUEUE_FULL, "queue", "0"), VETH);
    assertThat(rule.cause()).isEqualTo("queue-full");
    assertThat(rule.layerFor(VETH)).isEqualTo(IsolationLayer.L3);
  }

  @Test
  void defaultRulesCiteTheirMethodSection() {
    assertThat(DEFAULTS.rules())
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.method()).as(r.id()).contains("§"));
  }

  @Test
  void overrideFileReplacesTheDefaults() throws Exception {
    RuleTable table = RuleTable.load(resource("override-rules.json"));

    assertThat(table.rules()).extracting(Rule::id).containsExactly("sleep-is-host", "runq-is-l1");
    assertThat(table.covers(EventName.CPU_THROTTLED)).isFalse();
    Rule sleep = table.match(event(EventName.SCHED_OFFCPU, "state", "S"), PLAIN);
    assertThat(sleep.layer()).isEqualTo(IsolationLayer.HOST);
    assertThat(sleep.cause()).isEqualTo("custom-sleep");
  }

  @Test
  void causeTitlesComeFromTheTableAndFallBackToTheCode() throws Exception {
    RuleTable table = RuleTable.load(resource("override-rules.json"));

    assertThat(table.rules())
        .extracting(Rule::id, Rule::causeTitle)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("sleep-is-host", "sleeping on the host"),
            org.assertj.core.groups.Tuple.tuple("runq-is-l1", "custom-runq"));
  }

  @Test
  void everyDefaultRuleHasATitleOfItsOwn() {
    assertThat(DEFAULTS.rules())
        .allSatisfy(r -> assertThat(r.causeTitle()).as(r.id()).isNotEqualTo(r.cause()));
  }

  @Test
  void unknownEventNameIsRejectedNamingFileRuleAndField() {
    assertThatThrownBy(() -> RuleTable.load(resource("unknown-event.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown-event.json")
        .hasMessageContaining("rule #2")
        .hasMessageContaining("'typo-event'")
        .hasMessageContaining("'event'")
        .hasMessageContaining("cpu.throttle");
  }

  @Test
  void missingFieldIsRejectedNamingFileRuleAndField() {
    assertThatThrownBy(() -> RuleTable.load(resource("missing-cause.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing-cause.json")
        .hasMessageContaining("'no-cause'")
        .hasMessageContaining("'cause'");
  }

  @Test
  void unknownLayerIsRejectedNamingFileRuleAndLayer() {
    assertThatThrownBy(() -> RuleTable.load(resource("unknown-layer.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown-layer.json")
        .hasMessageContaining("'bad-layer'")
        .hasMessageContaining("layer")
        .hasMessageContaining("L-9");
  }

  @Test
  void unknownWeightIsRejectedNamingTheField() {
    assertThatThrownBy(() -> RuleTable.load(resource("unknown-weight.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown-weight.json")
        .hasMessageContaining("'bad-weight'")
        .hasMessageContaining("'weight'");
  }

  @Test
  void duplicateRuleIdIsRejected() {
    assertThatThrownBy(() -> RuleTable.load(resource("duplicate-id.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate-id.json")
        .hasMessageContaining("rule #2 'twice'")
        .hasMessageContaining("duplicate id");
  }

  @Test
  void emptyRuleListIsRejected() {
    assertThatThrownBy(() -> RuleTable.load(resource("no-rules.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-rules.json")
        .hasMessageContaining("'rules'");
  }

  @Test
  void missingRuleFileIsAnIoError() {
    assertThatThrownBy(() -> RuleTable.load(Path.of("does/not/exist.json")))
        .isInstanceOf(IOException.class);
  }
}
