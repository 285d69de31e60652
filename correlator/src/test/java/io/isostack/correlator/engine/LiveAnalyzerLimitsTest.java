package io.isostack.correlator.engine;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static io.isostack.correlator.testing.SpanBuilder.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.receiver.MemoryLimiter;
import io.isostack.correlator.receiver.MemoryLimiter.Buffer;
import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveAnalyzerLimitsTest {
  private final List<LiveFinding> published = new ArrayList<>();

  private LiveAnalyzer live(MemoryLimiter memory, int maxSpans, int maxProcesses) {
    return new LiveAnalyzer(
        RuleTable.defaults(),
        LiveSettings.defaults(AnalyzerSettings.defaults().withDefaultHost("node-1")),
        new LiveLimits(memory, maxSpans, maxProcesses),
        () -> ms(0),
        published::add);
  }

  private static SpanView child(int trace, int n) {
    return span(n + 2)
        .trace(traceId(trace))
        .parent(1)
        .op("backend", "GET /pay", SpanKind.SERVER)
        .at(0, 10)
        .build();
  }

  private static KernelEvent runq(String host, int pid, double atMs) {
    return KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, host)
        .interval(ms(atMs - 1), ms(atMs))
        .task(pid, pid, "java")
        .cgroup(0, "/app")
        .build();
  }

  private static void feed(LiveAnalyzer l, KernelEvent e, long now) {
    assertThat(l.offerEvents(List.of(e))).isTrue();
    l.drainForTest(now);
    l.tick(now);
  }

  @Test
  void aboveTheSoftLimitBatchesAreRefusedAndCounted() {
    MemoryLimiter memory = new MemoryLimiter(1_000, 1_000_000);
    LiveAnalyzer l = live(memory, 100, 1000);
    memory.reserve(Buffer.REQUEST_BODIES, 1_000);

    assertThat(l.offerSpans(List.of(child(1, 0)))).isFalse();
    assertThat(l.offerEvents(List.of(runq("node-1", 1, 0)))).isFalse();
    l.tick(ms(1));

    assertThat(l.stats().batchesRefusedForMemory()).isEqualTo(2);
    assertThat(l.stats().batchesRefused()).isEqualTo(2);
    assertThat(memory.refusals()).isEqualTo(2);
  }

  @Test
  void acceptedSpansAreAccountedUntilTheirTraceIsEvaluated() {
    MemoryLimiter memory = new MemoryLimiter(1_000_000, 2_000_000);
    LiveAnalyzer l = live(memory, 100, 1000);

    assertThat(l.offerSpans(List.of(child(1, 0), child(1, 1)))).isTrue();
    assertThat(memory.usedBytes(Buffer.QUEUE)).isPositive();
    l.drainForTest(ms(0));
    assertThat(memory.usedBytes(Buffer.QUEUE)).isZero();
    assertThat(memory.usedBytes(Buffer.OPEN_TRACES)).isPositive();

    l.tick(ms(60_000)); // past the trace timeout, then past the lateness
    l.tick(ms(61_000));
    assertThat(l.stats().tracesEvaluated()).isEqualTo(1);
    assertThat(memory.usedBytes(Buffer.OPEN_TRACES)).isZero();
  }

  @Test
  void aTraceAtTheSpanCapIsEvaluatedAndItsLaterSpansCounted() {
    MemoryLimiter memory = new MemoryLimiter(1_000_000, 2_000_000);
    LiveAnalyzer l = live(memory, 3, 1000);

    assertThat(l.offerSpans(List.of(child(1, 0), child(1, 1), child(1, 2), child(1, 3)))).isTrue();
    l.drainForTest(ms(0));
    l.tick(ms(0));
    l.tick(ms(1_000));
    assertThat(l.offerSpans(List.of(child(1, 4)))).isTrue();
    l.drainForTest(ms(1_000));
    l.tick(ms(1_000));

    assertThat(l.stats().tracesEvaluated()).isEqualTo(1);
    assertThat(l.stats().spansOverCap()).isEqualTo(2);
    assertThat(l.stats().activeTraces()).isZero();
  }

  @Test
  void theEventWindowShedsItsOldestSecondsAboveHalfTheSoftLimit() {
    MemoryLimiter memory = new MemoryLimiter(4_000, 1_000_000);
    LiveAnalyzer l = live(memory, 100, 1000);
    for (int s = 0; s < 20; s++) {
      feed(l, runq("node-1", 7, s * 1000.0), ms(s * 1000.0));
    }
    l.tick(ms(20_000));

    assertThat(l.stats().eventsShed()).isPositive();
    assertThat(memory.usedBytes(Buffer.EVENT_WINDOW)).isLessThanOrEqualTo(2_000);
    assertThat(l.stats().eventsHeld() + l.stats().eventsShed()).isEqualTo(20);
  }

  @Test
  void aSpanOverShedEventsSaysItsEvidenceMayBeMissing() {
    MemoryLimiter memory = new MemoryLimiter(4_000, 1_000_000);
    LiveAnalyzer l = live(memory, 100, 1000);
    for (int s = 0; s < 20; s++) {
      feed(l, runq("node-1", 7, s * 1000.0 + 500), ms(s * 1000.0 + 500));
    }
    assertThat(l.stats().eventsShed()).isPositive();
    SpanView root =
        span(1)
            .trace(traceId(9))
            .op("frontend", "GET /checkout", SpanKind.SERVER)
            .at(1000, 1600)
            .build();
    SpanView hop =
        span(2)
            .trace(traceId(9))
            .parent(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .at(1050, 1550)
            .build();

    assertThat(l.offerSpans(List.of(root, hop))).isTrue();
    l.drainForTest(ms(20_000));
    l.tick(ms(80_000));
    l.tick(ms(81_000));

    assertThat(published)
        .isNotEmpty()
        .allSatisfy(
            f ->
                assertThat(f.finding().notes())
                    .anyMatch(n -> n.contains("shed from the live window")));
  }

  @Test
  void theWindowGivesWayWhenTheTotalWouldPassTheHardLimit() {
    MemoryLimiter memory = new MemoryLimiter(1_000_000, 1_000_000);
    LiveAnalyzer l = live(memory, 100, 1000);
    for (int s = 0; s < 10; s++) {
      feed(l, runq("node-1", 7, s * 1000.0), ms(s * 1000.0));
    }
    assertThat(l.stats().eventsShed()).isZero(); // far below half the soft limit
    // What the other buffers hold takes the total one byte past the hard limit.
    memory.reserve(Buffer.REQUEST_BODIES, memory.hardLimitBytes() - memory.usedBytes() + 1);

    l.tick(ms(10_000));

    assertThat(l.stats().eventsShed()).isPositive();
    assertThat(memory.usedBytes()).isLessThanOrEqualTo(memory.hardLimitBytes());
    assertThat(l.stats().eventsHeld() + l.stats().eventsShed()).isEqualTo(10);
  }

  @Test
  void hostChurnForgetsTheLeastRecentlySeenHostsBeyondTheProcessCap() {
    MemoryLimiter memory = new MemoryLimiter(100_000_000, 200_000_000);
    LiveAnalyzer l = live(memory, 100, 10);
    for (int h = 0; h < 30; h++) {
      feed(l, runq("pod-" + h, 100, h), ms(h));
    }
    l.tick(ms(30));

    assertThat(l.stats().hostsEvicted()).isEqualTo(20);
    assertThat(memory.usedBytes(Buffer.DIRECTORIES))
        .isLessThanOrEqualTo(10 * (Footprint.PROCESS_ENTRY_BYTES + 512));
  }
}
