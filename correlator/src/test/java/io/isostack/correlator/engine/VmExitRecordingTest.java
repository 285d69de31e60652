package io.isostack.correlator.engine;

import static io.isostack.correlator.testing.SpanBuilder.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.InputSpec;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.receiver.InputLoader;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.EvidenceFamily;
import io.isostack.model.IsolationLayer;
import io.isostack.model.Observation;
import io.isostack.model.SpanKind;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real {@code samples/ebpf/kvm.bt} recording ({@code producers/kvm/README.md}): the tiny guest of
 * {@code samples/vm/} with its vCPU thread under a 30 % CFS quota, watched from the hypervisor and
 * put on the guest's host {@code stack-guest}. The span is made up (the guest cannot run a JVM on
 * this machine): a 120 ms hop on the guest around the recording's longest exit, a 103 ms exit to
 * QEMU's user space ({@code KVM_EXIT_IO}) during which the throttled vCPU thread waited.
 */
class VmExitRecordingTest {
  private static final String RECORDING = "/producers/kvm/kvm-bt-guest-under-quota.jsonl";

  /** The longest exit of the recording, in ms after SpanBuilder's origin (from its clock.sync). */
  private static final double EXIT_START_MS = 23_720_639_829.500;

  private static final double EXIT_END_MS = 23_720_639_932.932;

  private static List<Finding> analyze() throws URISyntaxException {
    Analyzer analyzer =
        new Analyzer(
            RuleTable.defaults(),
            AnalyzerSettings.defaults()
                .withDefaultHost("stack-guest")
                .withSlowThreshold(100_000_000L));
    analyzer.addSpan(
        span(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .host("stack-guest")
            .pid(212)
            .at(EXIT_START_MS - 8, EXIT_END_MS + 8)
            .build());
    analyzer.finishSpans();
    InputSummary summary = new InputSummary();
    Path events = Path.of(VmExitRecordingTest.class.getResource(RECORDING).toURI());
    new InputLoader(new ClockConverter(), summary, line -> {})
        .readEvents(InputSpec.parse(events.toString()), "stack-guest", analyzer::addEvent);
    assertThat(summary.rejectedTotal()).isZero();
    return analyzer.findings();
  }

  @Test
  void aGuestHopDuringLongVmExitsOfItsVcpuIsFullVirtualization() throws URISyntaxException {
    Finding f = analyze().get(0);

    assertThat(f.layer()).isEqualTo(IsolationLayer.L1);
    assertThat(f.cause()).isEqualTo("vm-exit");
    assertThat(f.explainedNanos()).isGreaterThan(100_000_000L);
    assertThat(f.detail()).contains("KVM_EXIT_IO");
    assertThat(f.method()).contains("§3.2 (VM exits)");
    assertThat(f.coverage()).containsEntry(EvidenceFamily.HYPERVISOR, Observation.OBSERVED);
  }
}
