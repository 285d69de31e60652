package io.isostack.correlator.detect;

import static io.isostack.correlator.testing.SpanBuilder.span;
import static io.isostack.correlator.testing.SpanBuilder.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlowSpanDetectorTest {
  private static final long MS = 1_000_000L;

  private final TraceAssembler assembler = new TraceAssembler();
  private int nextTrace = 1;

  /** Adds one single-span trace of operation {@code api GET /x} with the given self time. */
  private String addCall(double selfMillis) {
    String trace = traceId(nextTrace++);
    assembler.add(
        span(1).trace(trace).op("api", "GET /x", SpanKind.SERVER).at(0, selfMillis).build());
    return trace;
  }

  private List<SlowSpan> detect(long thresholdNanos, long floorNanos) {
    return new SlowSpanDetector(thresholdNanos, floorNanos).detect(assembler.traces());
  }

  @Test
  void spanWhoseSelfTimeReachesTheThresholdIsSlow() {
    String trace = addCall(250);
    List<SlowSpan> hops = detect(250 * MS, 20 * MS);
    assertThat(hops)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.span().traceId()).isEqualTo(trace);
              assertThat(h.reason()).isEqualTo("threshold");
              assertThat(h.selfNanos()).isEqualTo(250 * MS);
            });
  }

  @Test
  void spanJustBelowTheThresholdIsNotSlow() {
    addCall(249.999);
    assertThat(detect(250 * MS, 20 * MS)).isEmpty();
  }

  @Test
  void thresholdAppliesToSelfTimeNotDuration() {
    assembler.add(span(1).op("frontend", "GET /", SpanKind.SERVER).at(0, 1000).build());
    assembler.add(span(2).parent(1).op("api", "GET /x", SpanKind.SERVER).at(50, 950).build());

    assertThat(detect(250 * MS, 20 * MS))
        .singleElement()
        .satisfies(h -> assertThat(h.span().service()).isEqualTo("api"));
  }

  @Test
  void baselineAddsASpanWellAboveTheMedianOfFiveOrMoreSamples() {
    for (int i = 0; i < 5; i++) {
      addCall(10);
    }
    String slow = addCall(60);

    assertThat(detect(250 * MS, 20 * MS))
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.span().traceId()).isEqualTo(slow);
              assertThat(h.reason()).isEqualTo("baseline");
              assertThat(h.baselineNanos()).isEqualTo(10 * MS);
            });
  }

  @Test
  void baselineNeedsFiveSamplesOfTheOperation() {
    for (int i = 0; i < 3; i++) {
      addCall(10);
    }
    addCall(60);
    assertThat(detect(250 * MS, 20 * MS)).isEmpty();
  }

  @Test
  void baselineNeedsThreeTimesTheMedian() {
    for (int i = 0; i < 5; i++) {
      addCall(10);
    }
    addCall(29);
    assertThat(detect(250 * MS, 20 * MS)).isEmpty();
  }

  @Test
  void baselineSamplesAreCountedPerOperation() {
    for (int i = 0; i < 5; i++) {
      String trace = traceId(100 + i);
      assembler.add(
          span(1).trace(trace).op("api", "GET /other", SpanKind.SERVER).at(0, 10).build());
    }
    addCall(60);
    assertThat(detect(250 * MS, 20 * MS)).isEmpty();
  }

  @Test
  void baselineNeverFiresBelowTheFloor() {
    for (int i = 0; i < 5; i++) {
      addCall(1);
    }
    addCall(15);
    assertThat(detect(250 * MS, 20 * MS)).isEmpty();
    assertThat(detect(250 * MS, 10 * MS))
        .singleElement()
        .extracting(SlowSpan::reason)
        .isEqualTo("baseline");
  }

  @Test
  void baselineNeverRemovesAHopAboveTheThresholdWhenEverySpanIsSlow() {
    // An incident recording: every call of the operation is slow, so the median is slow too.
    for (int i = 0; i < 8; i++) {
      addCall(500 + 10 * i);
    }
    List<SlowSpan> hops = detect(250 * MS, 20 * MS);
    assertThat(hops).hasSize(8).allSatisfy(h -> assertThat(h.reason()).isEqualTo("threshold"));
    assertThat(hops).allSatisfy(h -> assertThat(h.baselineNanos()).isEqualTo(540 * MS));
  }

  @Test
  void baselineIsMinusOneWithTooFewSamples() {
    addCall(300);
    assertThat(detect(250 * MS, 20 * MS))
        .singleElement()
        .extracting(SlowSpan::baselineNanos)
        .isEqualTo(-1L);
  }

  /**
   * A request of {@code rootMillis} whose root holds the rest, with a client call holding {@code
   * wireMillis} of wire time around a server span of {@code serverMillis}.
   */
  private void addRequest(int trace, double rootMillis, double wireMillis, double serverMillis) {
    String id = traceId(trace);
    double clientStart = (rootMillis - wireMillis - serverMillis) / 2;
    double clientEnd = clientStart + wireMillis + serverMillis;
    double serverStart = clientStart + wireMillis / 2;
    assembler.add(
        span(1)
            .trace(id)
            .op("frontend", "GET /checkout", SpanKind.SERVER)
            .at(0, rootMillis)
            .build());
    assembler.add(
        span(2)
            .trace(id)
            .parent(1)
            .op("frontend", "GET /pay", SpanKind.CLIENT)
            .at(clientStart, clientEnd)
            .build());
    assembler.add(
        span(3)
            .trace(id)
            .parent(2)
            .op("backend", "GET /pay", SpanKind.SERVER)
            .at(serverStart, serverStart + serverMillis)
            .build());
  }

  private static SlowSpan hopOf(List<SlowSpan> hops, String service, SpanKind kind) {
    return hops.stream()
        .filter(h -> h.span().service().equals(service) && h.span().kind() == kind)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void slowRequestAnalysesTheCriticalPathHopsHoldingAFifthOfItWhenNoneIsSlowAlone() {
    addRequest(1, 288, 80, 201);

    List<SlowSpan> hops = detect(250 * MS, 125 * MS);

    assertThat(hops).hasSize(2).allSatisfy(h -> assertThat(h.reason()).isEqualTo("request"));
    SlowSpan server = hopOf(hops, "backend", SpanKind.SERVER);
    assertThat(server.selfNanos()).isEqualTo(201 * MS);
    assertThat(server.requestNanos()).isEqualTo(288 * MS);
    assertThat(server.requestShare()).isCloseTo(201.0 / 288, within(1e-9));
    SlowSpan client = hopOf(hops, "frontend", SpanKind.CLIENT);
    assertThat(client.selfNanos()).isEqualTo(80 * MS);
    assertThat(client.requestShare()).isCloseTo(80.0 / 288, within(1e-9));
    // The root's own 7 ms is 2 % of the request: not analysed.
    assertThat(hops).noneSatisfy(h -> assertThat(h.span().isRoot()).isTrue());
  }

  @Test
  void fastRequestYieldsNothing() {
    addRequest(1, 249, 80, 160);
    assertThat(detect(250 * MS, 125 * MS)).isEmpty();
  }

  @Test
  void slowRequestThresholdIsItsOwnSetting() {
    addRequest(1, 288, 80, 201);
    assertThat(new SlowSpanDetector(250 * MS, 125 * MS, 300 * MS).detect(assembler.traces()))
        .isEmpty();
    assertThat(new SlowSpanDetector(250 * MS, 125 * MS, 200 * MS).detect(assembler.traces()))
        .hasSize(2);
  }

  @Test
  void hopAlreadySlowByThresholdKeepsItsReasonIsNotDuplicatedAndGetsItsShare() {
    addRequest(1, 600, 20, 560);

    List<SlowSpan> hops = detect(250 * MS, 125 * MS);

    assertThat(hops)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.span().service()).isEqualTo("backend");
              assertThat(h.reason()).isEqualTo("threshold");
              assertThat(h.requestNanos()).isEqualTo(600 * MS);
              assertThat(h.requestShare()).isCloseTo(560.0 / 600, within(1e-9));
            });
  }

  @Test
  void slowHopOffTheCriticalPathIsInTheRequestWithNoShare() {
    String id = traceId(1);
    assembler.add(span(1).trace(id).op("api", "GET /", SpanKind.SERVER).at(0, 800).build());
    // Two parallel calls: the first is slow alone but ends before the second, which decides.
    assembler.add(
        span(2).trace(id).parent(1).op("cache", "GET", SpanKind.CLIENT).at(5, 300).build());
    assembler.add(
        span(3).trace(id).parent(1).op("db", "SELECT", SpanKind.CLIENT).at(10, 790).build());

    List<SlowSpan> hops = detect(250 * MS, 125 * MS);

    assertThat(hops).hasSize(2).allSatisfy(h -> assertThat(h.reason()).isEqualTo("threshold"));
    SlowSpan cache = hopOf(hops, "cache", SpanKind.CLIENT);
    assertThat(cache.requestNanos()).isEqualTo(800 * MS);
    assertThat(cache.requestShare()).isZero();
    assertThat(hopOf(hops, "db", SpanKind.CLIENT).requestShare())
        .isCloseTo(780.0 / 800, within(1e-9));
  }

  @Test
  void requestWellAboveTheBaselineOfItsRootOperationIsSlowBelowTheThreshold() {
    for (int i = 0; i < 5; i++) {
      addRequest(10 + i, 40, 4, 32);
    }
    // 200 ms: under 250 ms, but 5 × the 40 ms median and over the 125 ms floor; no span is slow
    // alone (86 ms of wire time, 110 ms in the server, both under the 125 ms floor).
    addRequest(1, 200, 86, 110);

    List<SlowSpan> hops = detect(250 * MS, 125 * MS);

    assertThat(hops)
        .hasSize(2)
        .allSatisfy(
            h -> {
              assertThat(h.span().traceId()).isEqualTo(traceId(1));
              assertThat(h.reason()).isEqualTo("request");
              assertThat(h.requestNanos()).isEqualTo(200 * MS);
            });
    assertThat(hopOf(hops, "backend", SpanKind.SERVER).baselineNanos()).isEqualTo(32 * MS);
  }

  @Test
  void requestBaselineNeverFiresBelowHalfTheRequestThreshold() {
    for (int i = 0; i < 5; i++) {
      addRequest(10 + i, 20, 2, 16);
    }
    addRequest(1, 120, 40, 70);
    assertThat(detect(250 * MS, 125 * MS)).isEmpty();
  }

  @Test
  void liveBaselinesRecordRequestDurationsApartFromSpanSelfTimes() {
    RollingBaselines baselines = new RollingBaselines(100);
    for (int i = 0; i < 5; i++) {
      addRequest(10 + i, 40, 4, 32);
    }
    for (Trace t : assembler.traces()) {
      baselines.record(t);
    }
    TraceAssembler slow = new TraceAssembler();
    String id = traceId(1);
    SpanView root =
        span(1).trace(id).op("frontend", "GET /checkout", SpanKind.SERVER).at(0, 200).build();
    slow.add(root);
    slow.add(
        span(2).trace(id).parent(1).op("frontend", "GET /pay", SpanKind.CLIENT).at(2, 198).build());
    slow.add(
        span(3).trace(id).parent(2).op("backend", "GET /pay", SpanKind.SERVER).at(45, 155).build());

    List<SlowSpan> hops =
        new SlowSpanDetector(250 * MS, 125 * MS).detect(slow.traces().iterator().next(), baselines);

    assertThat(baselines.median(SlowRequests.operation(root))).isEqualTo(40 * MS);
    assertThat(baselines.median(SlowSpanDetector.operation(root))).isEqualTo(4 * MS);
    assertThat(hops).extracting(SlowSpan::reason).containsExactly("request", "request");
    assertThat(hops)
        .extracting(h -> h.span().kind())
        .containsExactly(SpanKind.CLIENT, SpanKind.SERVER);
  }

  @Test
  void detectThenRecordFindsAndRecordsWhatDetectThenRecordDo() {
    java.util.Random r = new java.util.Random(7);
    for (int i = 0; i < 60; i++) {
      // mostly fast requests, some slow on the wire, some slow on the server
      addRequest(100 + i, 40 + r.nextInt(400), 4 + r.nextInt(200), 10 + r.nextInt(300));
    }
    SlowSpanDetector detector = new SlowSpanDetector(250 * MS, 125 * MS);
    RollingBaselines separate = new RollingBaselines(100);
    RollingBaselines once = new RollingBaselines(100);
    int slow = 0;
    for (Trace t : assembler.traces()) {
      List<SlowSpan> expected = detector.detect(t, separate);
      separate.record(t);
      List<SlowSpan> hops = detector.detectThenRecord(t, once);
      assertThat(hops)
          .extracting(h -> h.span().spanId() + ' ' + h.reason() + ' ' + h.baselineNanos())
          .isEqualTo(
              expected.stream()
                  .map(h -> h.span().spanId() + ' ' + h.reason() + ' ' + h.baselineNanos())
                  .toList());
      slow += hops.size();
      for (SpanView s : t.spans()) {
        String op = SlowSpanDetector.operation(s);
        assertThat(once.median(op)).isEqualTo(separate.median(op));
        assertThat(once.median(SlowRequests.operation(s)))
            .isEqualTo(separate.median(SlowRequests.operation(s)));
      }
    }
    assertThat(slow).isPositive();
  }

  @Test
  void rejectsANonPositiveRequestThreshold() {
    assertThatThrownBy(() -> new SlowSpanDetector(250 * MS, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("request");
  }

  @Test
  void rejectsANonPositiveThreshold() {
    assertThatThrownBy(() -> new SlowSpanDetector(0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threshold");
  }
}
