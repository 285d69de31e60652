package io.isostack.correlator.engine;

import static io.isostack.correlator.testing.SpanBuilder.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.clock.ClockConverter;
import io.isostack.codec.InputSpec;
import io.isostack.codec.LibbpfToolsReader;
import io.isostack.correlator.finding.Finding;
import io.isostack.correlator.receiver.InputLoader;
import io.isostack.correlator.receiver.InputSummary;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.IsolationLayer;
import io.isostack.model.SpanKind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real gVisor Sentry debug log ({@code collector-model/src/test/resources/gvisor/}: runsc on the
 * ptrace platform denying {@code mkdir} in {@code /proc} three times, 34 and 63 ms apart) read by
 * the {@code runsc} format. The span is made up: a 260 ms hop of a service in that sandbox, naming
 * the sandbox's container id as its {@code container.id}, around the three denials.
 */
class SandboxStraceRecordingTest {
  private static final Path LOG =
      Path.of(
          "..", "collector-model", "src", "test", "resources", "gvisor", "runsc-boot-strace.txt");

  /** 2026-12-01T23:15:54Z in ms after SpanBuilder's origin. */
  private static final double AT_MS = 23_721_354_000.0;

  private static List<Finding> analyze() {
    Analyzer analyzer =
        new Analyzer(RuleTable.defaults(), AnalyzerSettings.defaults().withDefaultHost("node-1"));
    analyzer.addSpan(
        span(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .host("node-1")
            .pid(1)
            .container("runsc-312922")
            .at(AT_MS + 300, AT_MS + 560)
            .build());
    analyzer.finishSpans();
    InputSummary summary = new InputSummary();
    Clock logDay = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
    new InputLoader(
            new ClockConverter(), LibbpfToolsReader.Options.defaults(logDay), summary, line -> {})
        .readEvents(InputSpec.parse("runsc:" + LOG), "node-1", analyzer::addEvent);
    assertThat(summary.rejectedTotal()).isZero();
    return analyzer.findings();
  }

  @Test
  void syscallsTheSentryDeniedToTheSandboxedServiceAreTheSandboxLayer() {
    Finding f = analyze().get(0);

    assertThat(f.layer()).isEqualTo(IsolationLayer.L4);
    assertThat(f.cause()).isEqualTo("seccomp-denied");
    assertThat(f.detail()).contains("mkdir");
  }
}
