package io.isostack.correlator.engine;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static io.isostack.correlator.testing.SpanBuilder.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.SpanKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LiveAnalyzerFailureTest {
  private static final long MS = 1_000_000L;

  @Test
  @Timeout(20)
  void aFatalErrorStopsTheEngineAndSaysWhy() throws Exception {
    long start = System.nanoTime();
    LiveSettings fast =
        new LiveSettings(
            AnalyzerSettings.defaults().withDefaultHost("node-1"),
            10 * MS,
            20 * MS,
            0,
            120_000 * MS,
            100,
            100,
            10);
    LiveAnalyzer l =
        new LiveAnalyzer(
            RuleTable.defaults(),
            fast,
            () -> ms(5_000) + (System.nanoTime() - start),
            f -> {
              throw new OutOfMemoryError("Java heap space (injected)");
            });
    l.start();
    // A slow root span: evaluating it publishes a finding, and the sink fails fatally.
    assertThat(
            l.offerSpans(
                List.of(
                    span(1)
                        .trace(traceId(1))
                        .op("backend", "GET /pay", SpanKind.SERVER)
                        .at(0, 4_000)
                        .build())))
        .isTrue();

    while (l.failure() == null) {
      Thread.sleep(20);
    }

    assertThat(l.failure()).contains("OutOfMemoryError").contains("Java heap space (injected)");
    assertThat(l.isRunning()).isFalse();
    assertThat(l.offerSpans(List.of(span(2).trace(traceId(2)).at(0, 1).build()))).isFalse();
    l.close();
  }
}
