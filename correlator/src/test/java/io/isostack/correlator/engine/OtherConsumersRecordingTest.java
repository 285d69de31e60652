package io.isostack.correlator.engine;

import static io.isostack.correlator.testing.SpanBuilder.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.InputSpec;
import io.isostack.correlator.finding.CpuConsumer;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.receiver.InputLoader;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.SpanKind;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real {@code samples/ebpf/sched.bt} recording with {@code attrs.by_*} (Linux 6.18, 2 vCPUs,
 * {@code bpftrace -q -f json sched.bt testhost 1000 641}, 5 s): a busy loop {@code victim} (pid
 * 641) pinned to CPU 1, joined after 1.5 s for 3 s by two more busy loops on CPU 1, {@code cpu-hog}
 * (pid 709, nice 0) and {@code batch-job} (pid 710, nice 5), while the machine ran its other work
 * (a block kworker, bpftrace, a JVM). The span is the victim's whole run.
 */
class OtherConsumersRecordingTest {
  private static final String RECORDING = "sched-preempted.jsonl";

  /** CLOCK_BOOTTIME → epoch of the recording's clock.sync, in ms after SpanBuilder's origin. */
  private static final double SYNC_MS = 23_718_469_205.276;

  private static List<Finding> analyze() throws URISyntaxException {
    Analyzer analyzer =
        new Analyzer(RuleTable.defaults(), AnalyzerSettings.defaults().withDefaultHost("testhost"));
    analyzer.addSpan(
        span(1)
            .op("victim", "spin", SpanKind.INTERNAL)
            .host("testhost")
            .pid(641)
            .at(SYNC_MS, SYNC_MS + 4_247)
            .build());
    analyzer.finishSpans();
    InputSummary summary = new InputSummary();
    Path events =
        Path.of(OtherConsumersRecordingTest.class.getResource(RECORDING).toURI()).toAbsolutePath();
    new InputLoader(new ClockConverter(), summary, line -> {})
        .readEvents(InputSpec.parse(events.toString()), "testhost", analyzer::addEvent);
    assertThat(summary.rejectedTotal()).isZero();
    return analyzer.findings();
  }

  @Test
  void thePreemptorsOfARealRecordingAreTheTopOtherConsumers() throws URISyntaxException {
    Finding f = analyze().get(0);

    assertThat(f.cause()).isEqualTo("cpu-saturation");
    assertThat(f.otherConsumers().observed()).isTrue();
    // Each preemption credits the whole wait to the task that took the CPU: the block kworker
    // preempts often (IO completions), the nice-0 hog for the longest slices.
    assertThat(f.otherConsumers().top())
        .extracting(CpuConsumer::pid, CpuConsumer::comm)
        .containsExactly(tuple(54, "kworker/1:1H"), tuple(709, "cpu-hog"), tuple(399, "bpftrace"));
    assertThat(f.otherConsumers().top().get(1).waits()).isGreaterThan(60);
  }
}
