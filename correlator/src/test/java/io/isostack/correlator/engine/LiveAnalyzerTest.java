package io.isostack.correlator.engine;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static io.isostack.correlator.testing.SpanBuilder.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.correlator.rules.RuleTable;
import io.isostack.model.EventName;
import io.isostack.model.IsolationLayer;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LiveAnalyzerTest {
  private static final long MS = 1_000_000L;
  private static final RuleTable RULES = RuleTable.defaults();

  private final AtomicLong now = new AtomicLong(ms(0));
  private final List<LiveFinding> published = new ArrayList<>();

  private LiveAnalyzer live(LiveSettings options) {
    return new LiveAnalyzer(RULES, options, now::get, published::add);
  }

  private static LiveSettings options() {
    return LiveSettings.defaults(AnalyzerSettings.defaults().withDefaultHost("node-1"));
  }

  private static SpanView backend(int trace, double fromMs, double toMs) {
    return span(1)
        .trace(traceId(trace))
        .op("backend", "GET /pay", SpanKind.SERVER)
        .pid(4242)
        .at(fromMs, toMs)
        .build();
  }

  private static KernelEvent attach() {
    return KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
        .at(ms(-1000))
        .task(4242, 4242, "java")
        .cgroup(0, "/demo-backend")
        .build();
  }

  private static KernelEvent throttled(double fromMs, double toMs) {
    return KernelEvent.builder(EventName.CPU_THROTTLED, "node-1")
        .interval(ms(fromMs), ms(toMs))
        .cgroup(0, "/demo-backend")
        .value(5, "1")
        .build();
  }

  /** Feeds a batch the way the engine thread does. */
  private static void spans(LiveAnalyzer l, long at, SpanView... spans) {
    assertThat(l.offerSpans(List.of(spans))).isTrue();
    drain(l, at);
  }

  private static void events(LiveAnalyzer l, long at, KernelEvent... events) {
    assertThat(l.offerEvents(List.of(events))).isTrue();
    drain(l, at);
  }

  private static void drain(LiveAnalyzer l, long at) {
    // The queue is private; the test drives the engine by ticking after offering: process() is
    // reached through the same queue the thread would poll.
    l.drainForTest(at);
  }

  @Test
  void publishesAFindingOnceTheTraceIsIdleAndTheEventsAreIn() {
    LiveAnalyzer l = live(options());
    events(l, ms(1400), attach(), throttled(0, 1300));
    spans(l, ms(1420), backend(1, 0, 1410));
    // A newer event from elsewhere shows the stream has moved past the span's end + lateness.
    KernelEvent newer =
        KernelEvent.builder(EventName.CPU_THROTTLED, "node-1")
            .interval(ms(1700), ms(1800))
            .cgroup(0, "/other")
            .build();
    events(l, ms(1800), newer);

    l.tick(ms(1800));
    assertThat(published).as("not before the idle time").isEmpty();

    now.set(ms(1920));
    l.tick(ms(1920));
    assertThat(published)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.finding().layer()).isEqualTo(IsolationLayer.L3);
              assertThat(f.finding().cause()).isEqualTo("cpu-throttle");
              assertThat(f.traceCompletedEpochNanos()).isEqualTo(ms(1920));
              assertThat(f.delayNanos()).isLessThan(1000 * MS);
            });
    assertThat(l.recentFindings(10)).hasSize(1);
    assertThat(l.stats().tracesEvaluated()).isEqualTo(1);
  }

  @Test
  void slowRequestSpreadOverTwoHopsIsAnalysedLiveWithItsShare() {
    LiveAnalyzer l = live(options());
    events(l, ms(300), attach(), throttled(45, 240));
    // 288 ms: 7 ms in the root, 80 ms of wire time, 201 ms in the throttled server span.
    spans(
        l,
        ms(300),
        span(1)
            .trace(traceId(1))
            .op("frontend", "GET /checkout", SpanKind.SERVER)
            .at(0, 288)
            .build(),
        span(2)
            .trace(traceId(1))
            .parent(1)
            .op("frontend", "GET /pay", SpanKind.CLIENT)
            .at(3, 284)
            .build(),
        span(3)
            .trace(traceId(1))
            .parent(2)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .pid(4242)
            .at(43, 244)
            .build());

    now.set(ms(1200));
    l.tick(ms(1200));

    assertThat(published)
        .filteredOn(f -> f.finding().span().service().equals("backend"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.finding().slowReason()).isEqualTo("request");
              assertThat(f.finding().cause()).isEqualTo("cpu-throttle");
              assertThat(f.finding().requestNanos()).isEqualTo(288 * MS);
              assertThat(f.finding().requestShare()).isBetween(0.69, 0.70);
            });
    assertThat(published).hasSize(2);
  }

  @Test
  void waitsTheEventLatenessWhenNoNewerEventShowsTheyAreIn() {
    LiveAnalyzer l = live(options());
    events(l, ms(1400), attach(), throttled(0, 1300));
    spans(l, ms(1420), backend(1, 0, 1410));
    // A late throttle sample covering the end of the span arrives after completion.
    l.tick(ms(1920));
    assertThat(published).isEmpty();

    events(l, ms(2000), throttled(1300, 1410));
    l.tick(ms(2220));
    assertThat(published)
        .singleElement()
        .satisfies(f -> assertThat(f.finding().explainedNanos()).isEqualTo(1410 * MS));
  }

  @Test
  void aTraceWithoutItsRootWaitsForTheTimeout() {
    LiveAnalyzer l = live(options());
    SpanView child =
        span(2)
            .trace(traceId(1))
            .parent(1)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .pid(4242)
            .at(0, 1410)
            .build();
    spans(l, ms(1420), child);
    l.tick(ms(5000));
    assertThat(published).isEmpty();
    l.tick(ms(1420) + 30_000 * MS + 300 * MS);
    assertThat(published).singleElement();
  }

  @Test
  void aSpanArrivingAfterItsTraceWasEvaluatedIsCountedLate() {
    LiveAnalyzer l = live(options());
    spans(l, ms(1420), backend(1, 0, 1410));
    l.tick(ms(3000));
    spans(
        l,
        ms(3100),
        span(9).trace(traceId(1)).parent(1).op("db", "q", SpanKind.CLIENT).at(5, 6).build());
    l.tick(ms(3200));
    assertThat(l.stats().spansLate()).isEqualTo(1);
  }

  @Test
  void eventsBehindTheRetentionAreDroppedAndOldOnesEvicted() {
    LiveAnalyzer l = live(options());
    events(l, ms(0), throttled(0, 100));
    events(l, ms(200_000), throttled(200_000, 200_100));
    l.tick(ms(200_100));
    assertThat(l.stats().eventsEvicted()).isEqualTo(1);
    assertThat(l.stats().eventsHeld()).isEqualTo(1);

    events(l, ms(200_200), throttled(0, 100));
    assertThat(l.stats().eventsLate()).isEqualTo(0);
    l.tick(ms(200_200));
    assertThat(l.stats().eventsLate()).isEqualTo(1);
  }

  @Test
  void aFullQueueRefusesBatches() {
    LiveSettings small =
        new LiveSettings(
            options().analysis(), 500 * MS, 30_000 * MS, 300 * MS, 120_000 * MS, 10, 1, 10);
    LiveAnalyzer l = live(small);
    assertThat(l.offerSpans(List.of(backend(1, 0, 10)))).isTrue();
    assertThat(l.offerSpans(List.of(backend(2, 0, 10)))).isFalse();
    l.tick(ms(1));
    assertThat(l.stats().batchesRefused()).isEqualTo(1);
  }

  @Test
  void tooManyTracesEvictTheOldest() {
    LiveSettings two =
        new LiveSettings(
            options().analysis(), 500 * MS, 30_000 * MS, 300 * MS, 120_000 * MS, 2, 100, 10);
    LiveAnalyzer l = live(two);
    spans(l, ms(10), backend(1, 0, 5), backend(2, 0, 5), backend(3, 0, 5));
    l.tick(ms(11));
    assertThat(l.stats().tracesEvicted()).isEqualTo(1);
    assertThat(l.stats().activeTraces()).isEqualTo(2);
  }

  @Test
  void theEngineThreadPublishesWithinASecondOfCompletionAndCloseEvaluatesTheRest()
      throws Exception {
    List<LiveFinding> seen = new CopyOnWriteArrayList<>();
    LiveSettings fast =
        new LiveSettings(
            options().analysis(), 200 * MS, 30_000 * MS, 100 * MS, 120_000 * MS, 100, 100, 10);
    LiveAnalyzer l =
        new LiveAnalyzer(RULES, fast, () -> System.currentTimeMillis() * MS, seen::add);
    l.start();
    long t0 = System.currentTimeMillis() * MS;
    assertThat(
            l.offerEvents(
                List.of(
                    KernelEvent.builder(EventName.CGROUP_ATTACH, "node-1")
                        .at(t0 - 1000 * MS)
                        .task(4242, 4242, "java")
                        .cgroup(0, "/demo-backend")
                        .build(),
                    KernelEvent.builder(EventName.CPU_THROTTLED, "node-1")
                        .interval(t0 - 1300 * MS, t0)
                        .cgroup(0, "/demo-backend")
                        .build())))
        .isTrue();
    SpanView slow =
        new SpanView(
            traceId(7),
            "00000000000000a1",
            null,
            "GET /pay",
            SpanKind.SERVER,
            "backend",
            t0 - 1400 * MS,
            t0,
            io.isostack.model.SpanStatus.UNSET,
            null,
            4242,
            null,
            null,
            null,
            io.isostack.model.SocketAttributes.EMPTY,
            null);
    assertThat(l.offerSpans(List.of(slow))).isTrue();
    long deadline = System.currentTimeMillis() + 3000;
    while (seen.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(seen)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.finding().cause()).isEqualTo("cpu-throttle");
              assertThat(f.delayNanos()).isBetween(0L, 1000 * MS);
            });

    SpanView unfinished =
        new SpanView(
            traceId(8),
            "00000000000000b1",
            "00000000000000b0",
            "GET /pay",
            SpanKind.SERVER,
            "backend",
            t0 - 900 * MS,
            t0,
            io.isostack.model.SpanStatus.UNSET,
            null,
            4242,
            null,
            null,
            null,
            io.isostack.model.SocketAttributes.EMPTY,
            null);
    assertThat(l.offerSpans(List.of(unfinished))).isTrue();
    l.close();
    assertThat(seen).hasSize(2);
  }
}
