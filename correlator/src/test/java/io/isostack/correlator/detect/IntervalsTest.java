package io.isostack.correlator.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntervalsTest {

  /** The set as a flat list start0, end0, start1, end1... */
  private static List<Long> bounds(Intervals iv) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < iv.size(); i++) {
      out.add(iv.start(i));
      out.add(iv.end(i));
    }
    return out;
  }

  private static Intervals union(long... startEndPairs) {
    int n = startEndPairs.length / 2;
    long[] s = new long[n];
    long[] e = new long[n];
    for (int i = 0; i < n; i++) {
      s[i] = startEndPairs[2 * i];
      e[i] = startEndPairs[2 * i + 1];
    }
    return Intervals.union(s, e, n);
  }

  @Test
  void unionMergesOverlappingIntervals() {
    assertThat(bounds(union(0, 10, 5, 20))).containsExactly(0L, 20L);
  }

  @Test
  void unionMergesTouchingIntervals() {
    assertThat(bounds(union(0, 10, 10, 20))).containsExactly(0L, 20L);
  }

  @Test
  void unionKeepsTheOuterOfContainedIntervals() {
    assertThat(bounds(union(0, 100, 10, 20, 30, 40))).containsExactly(0L, 100L);
  }

  @Test
  void unionKeepsDisjointIntervalsApartAndSorted() {
    assertThat(bounds(union(50, 60, 0, 10, 20, 30))).containsExactly(0L, 10L, 20L, 30L, 50L, 60L);
  }

  @Test
  void unionSortsUnsortedOverlappingInput() {
    assertThat(bounds(union(40, 70, 0, 5, 30, 45, 60, 90, 3, 8))).containsExactly(0L, 8L, 30L, 90L);
  }

  @Test
  void unionIgnoresEmptyAndInvertedIntervals() {
    assertThat(bounds(union(10, 10, 30, 20, 0, 5))).containsExactly(0L, 5L);
    assertThat(union(10, 10, 30, 20).isEmpty()).isTrue();
  }

  @Test
  void unionUsesOnlyTheFirstCountEntries() {
    long[] s = {0, 100};
    long[] e = {10, 200};
    assertThat(bounds(Intervals.union(s, e, 1))).containsExactly(0L, 10L);
    assertThat(s).containsExactly(0L, 100L);
  }

  @Test
  void ofIsEmptyWhenEndIsNotAfterStart() {
    assertThat(Intervals.of(5, 5).isEmpty()).isTrue();
    assertThat(Intervals.of(5, 4).isEmpty()).isTrue();
    assertThat(Intervals.of(4, 5).totalNanos()).isEqualTo(1);
  }

  @Test
  void minusCutsHolesOutOfOneInterval() {
    Intervals r = Intervals.of(0, 100).minus(union(10, 20, 30, 40));
    assertThat(bounds(r)).containsExactly(0L, 10L, 20L, 30L, 40L, 100L);
    assertThat(r.totalNanos()).isEqualTo(80);
  }

  @Test
  void minusOfACoveringSetIsEmpty() {
    assertThat(Intervals.of(10, 20).minus(Intervals.of(0, 30)).isEmpty()).isTrue();
  }

  @Test
  void minusClipsASubtrahendThatReachesBeyondEitherEnd() {
    assertThat(bounds(Intervals.of(0, 10).minus(Intervals.of(5, 50)))).containsExactly(0L, 5L);
    assertThat(bounds(Intervals.of(20, 30).minus(Intervals.of(0, 25)))).containsExactly(25L, 30L);
  }

  @Test
  void minusOneSubtrahendSpanningTwoIntervalsCutsBoth() {
    Intervals r = union(0, 10, 20, 30).minus(Intervals.of(5, 25));
    assertThat(bounds(r)).containsExactly(0L, 5L, 25L, 30L);
  }

  @Test
  void minusOfDisjointOrEmptySetChangesNothing() {
    assertThat(bounds(union(0, 10, 20, 30).minus(Intervals.of(12, 18))))
        .containsExactly(0L, 10L, 20L, 30L);
    assertThat(bounds(Intervals.of(0, 10).minus(Intervals.EMPTY))).containsExactly(0L, 10L);
  }

  @Test
  void overlapWithARangeSumsThePartsInside() {
    Intervals set = union(0, 10, 20, 30, 40, 50);
    assertThat(set.overlap(5, 45)).isEqualTo(5 + 10 + 5);
    assertThat(set.overlap(10, 20)).isZero();
    assertThat(set.overlap(-100, 100)).isEqualTo(30);
  }

  @Test
  void overlapWithAnEmptyOrInvertedRangeIsZero() {
    Intervals set = Intervals.of(0, 10);
    assertThat(set.overlap(5, 5)).isZero();
    assertThat(set.overlap(8, 2)).isZero();
    assertThat(Intervals.EMPTY.overlap(0, 10)).isZero();
  }

  @Test
  void overlapTreatsIntervalsAsHalfOpen() {
    Intervals set = Intervals.of(10, 20);
    assertThat(set.overlap(20, 30)).isZero();
    assertThat(set.overlap(0, 10)).isZero();
    assertThat(set.overlap(19, 30)).isEqualTo(1);
  }

  @Test
  void overlapWithAnotherSetSumsPairwiseOverlaps() {
    Intervals a = union(0, 10, 20, 30);
    Intervals b = union(5, 25, 28, 40);
    assertThat(a.overlap(b)).isEqualTo(5 + 5 + 2);
    assertThat(b.overlap(a)).isEqualTo(12);
  }

  @Test
  void nearIsTrueInsideTheSet() {
    assertThat(Intervals.of(10, 20).near(15, 0)).isTrue();
  }

  @Test
  void nearIsTrueWithinTheToleranceBeforeOrAfter() {
    Intervals set = Intervals.of(10, 20);
    assertThat(set.near(5, 5)).isTrue();
    assertThat(set.near(20, 1)).isTrue();
  }

  @Test
  void nearIsFalseBeyondTheTolerance() {
    Intervals set = Intervals.of(10, 20);
    assertThat(set.near(4, 5)).isFalse();
    assertThat(set.near(20, 0)).isFalse();
    assertThat(set.near(100, 50)).isFalse();
    assertThat(Intervals.EMPTY.near(0, 1000)).isFalse();
  }

  @Test
  void totalNanosSumsTheDisjointLengths() {
    assertThat(union(0, 10, 5, 15, 100, 101).totalNanos()).isEqualTo(16);
  }
}
