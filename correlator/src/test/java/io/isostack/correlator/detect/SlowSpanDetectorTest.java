package io.isostack.correlator.detect;

import static io.isostack.correlator.testing.SpanBuilder.span;
import static io.isostack.correlator.testing.SpanBuilder.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isostack.model.SpanKind;
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

  @Test
  void rejectsANonPositiveThreshold() {
    assertThatThrownBy(() -> new SlowSpanDetector(0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threshold");
  }
}
