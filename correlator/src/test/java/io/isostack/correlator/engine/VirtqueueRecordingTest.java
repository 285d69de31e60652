package io.isostack.correlator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.InputSpec;
import io.isostack.correlator.finding.ChainLink;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.receiver.InputLoader;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.EvidenceFamily;
import io.isostack.model.IsolationLayer;
import io.isostack.model.Observation;
import io.isostack.model.SpanView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real recording {@code samples/data/virtio-blk-queue-loaded/} (the lab's virtqueue fault:
 * {@code fio} keeping this machine's virtio-blk disk {@code vda} at its virtqueue's depth while the
 * backend commits 64 {@code fdatasync}ed writes per request): the queue sampler's {@code
 * block.queue_full} is what makes a hop L-2, and without it no hop is.
 */
class VirtqueueRecordingTest {
  private static final Path CASE = Path.of("..", "samples", "data", "virtio-blk-queue-loaded");

  private static List<Finding> analyze(boolean withQueueSampler) throws IOException {
    InputSummary summary = new InputSummary();
    InputLoader loader = new InputLoader(new ClockConverter(), summary, line -> {});
    List<SpanView> spans = new ArrayList<>();
    loader.readTraces(InputSpec.parse(CASE.resolve("traces.jsonl").toString()), spans::add);
    Analyzer analyzer =
        new Analyzer(RuleTable.defaults(), AnalyzerSettings.defaults().withDefaultHost("vm"));
    spans.forEach(analyzer::addSpan);
    analyzer.finishSpans();
    List<String> files = new ArrayList<>(List.of("events-block.jsonl.gz", "events-sched.jsonl.gz"));
    if (withQueueSampler) {
      files.add("events-virtq.jsonl");
    }
    for (String f : files) {
      loader.readEvents(InputSpec.parse(CASE.resolve(f).toString()), "vm", analyzer::addEvent);
    }
    assertThat(summary.rejectedTotal()).isZero();
    return analyzer.findings();
  }

  private static boolean namesL2(Finding f) {
    return f.layer() == IsolationLayer.L2
        || f.chain().stream().map(ChainLink::layer).anyMatch(IsolationLayer.L2::equals);
  }

  @Test
  void hopsWhoseCommitsWaitedOnTheFullVirtqueueAreL2WithTheQueueEvidence() throws IOException {
    List<Finding> l2 =
        analyze(true).stream()
            .filter(f -> f.layer() == IsolationLayer.L2)
            .filter(f -> f.span().service().equals("backend"))
            .toList();

    assertThat(l2).hasSizeGreaterThanOrEqualTo(5);
    assertThat(l2)
        .allSatisfy(
            f -> {
              assertThat(f.cause()).isEqualTo("virtio-blk-queue-full");
              assertThat(f.network()).isFalse();
              assertThat(f.chain().get(0).signals()).contains("block.queue_full");
              assertThat(f.coverage())
                  .containsEntry(EvidenceFamily.BLOCK_QUEUE, Observation.OBSERVED);
              assertThat(f.method()).contains("§3.2");
            });
  }

  @Test
  void withoutTheQueueSamplerTheSameRecordingHasNoL2Claim() throws IOException {
    List<Finding> findings = analyze(false);

    assertThat(findings).isNotEmpty().noneMatch(VirtqueueRecordingTest::namesL2);
    assertThat(findings)
        .allSatisfy(
            f ->
                assertThat(f.coverage())
                    .containsEntry(EvidenceFamily.BLOCK_QUEUE, Observation.NOT_OBSERVED));
    assertThat(findings)
        .filteredOn(f -> f.span().service().equals("backend"))
        .anyMatch(f -> f.layer() == IsolationLayer.HOST && f.cause().equals("disk-latency"));
  }
}
