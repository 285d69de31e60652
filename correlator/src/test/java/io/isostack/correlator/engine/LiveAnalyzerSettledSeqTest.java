package io.isostack.correlator.engine;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static io.isostack.correlator.testing.SpanBuilder.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How far the write-ahead entries are settled ({@code serve --storage}): a span entry is settled
 * once every trace it fed is evaluated, an event entry once the window has passed its events.
 */
class LiveAnalyzerSettledSeqTest {
  private static LiveAnalyzer live(int maxTraces) {
    LiveSettings d = LiveSettings.defaults(AnalyzerSettings.defaults().withDefaultHost("node-1"));
    LiveSettings options =
        new LiveSettings(
            d.analysis(),
            d.traceIdleNanos(),
            d.traceTimeoutNanos(),
            d.eventLatenessNanos(),
            d.retentionNanos(),
            maxTraces,
            d.queueCapacity(),
            d.findingsKept());
    return new LiveAnalyzer(RuleTable.defaults(), options, () -> ms(0), f -> {});
  }

  private static SpanView root(int trace, double fromMs, double toMs) {
    return span(1)
        .trace(traceId(trace))
        .op("backend", "GET /pay", SpanKind.SERVER)
        .at(fromMs, toMs)
        .build();
  }

  private static SpanView child(int trace, double fromMs, double toMs) {
    return span(2)
        .trace(traceId(trace))
        .parent(1)
        .op("db", "SELECT", SpanKind.CLIENT)
        .at(fromMs, toMs)
        .build();
  }

  @Test
  void aSpanEntryIsSettledOnceEveryTraceItFedIsEvaluated() {
    LiveAnalyzer l = live(1000);
    assertThat(l.offerSpans(List.of(child(1, 10, 20)), 1)).isTrue(); // trace 1, root to come
    assertThat(l.offerSpans(List.of(root(2, 0, 30)), 2)).isTrue();
    l.drainForTest(ms(100));
    l.tick(ms(100));
    assertThat(l.settledSeq()).isZero();

    // Trace 2 is complete after the idle time; trace 1 still waits for its root.
    l.tick(ms(2_000));
    assertThat(l.stats().tracesEvaluated()).isEqualTo(1);
    assertThat(l.settledSeq()).as("entry 1 feeds trace 1, still open").isZero();

    assertThat(l.offerSpans(List.of(root(1, 0, 30)), 3)).isTrue();
    l.drainForTest(ms(2_100));
    l.tick(ms(4_000));
    assertThat(l.stats().tracesEvaluated()).isEqualTo(2);
    assertThat(l.settledSeq()).isEqualTo(3);
  }

  @Test
  void aTraceEvictedAtTheTraceLimitNoLongerHoldsItsEntry() {
    LiveAnalyzer l = live(1);
    // One batch of two new traces in a buffer of one: the first is evicted unevaluated (counted).
    assertThat(l.offerSpans(List.of(child(1, 10, 20), child(2, 10, 20)), 1)).isTrue();
    l.drainForTest(ms(100));
    l.tick(ms(100));
    assertThat(l.stats().tracesEvicted()).isEqualTo(1);
    assertThat(l.settledSeq()).isZero();

    // The other one is evaluated after the trace timeout (its root never came): nothing is left.
    l.tick(ms(40_000));
    assertThat(l.stats().tracesEvaluated()).isEqualTo(1);
    assertThat(l.settledSeq()).isEqualTo(1);
  }

  @Test
  void theWindowHorizonFollowsTheNewestEventLessTheRetention() {
    LiveAnalyzer l = live(1000);
    assertThat(l.windowHorizonNanos()).isEqualTo(Long.MIN_VALUE);
    KernelEvent e =
        KernelEvent.builder(EventName.CPU_THROTTLED, "node-1")
            .interval(ms(0), ms(100))
            .cgroup(0, "/demo-backend")
            .value(5, "1")
            .build();
    assertThat(l.offerEvents(List.of(e), 1)).isTrue();
    l.drainForTest(ms(100));
    l.tick(ms(100));
    assertThat(l.windowHorizonNanos()).isEqualTo(ms(100) - 120_000_000_000L);
    assertThat(l.settledSeq()).isEqualTo(1);
  }
}
