package io.isostack.correlator.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueFullWindowsTest {
  private static final QueueFullWindows FULL_100_TO_200 =
      QueueFullWindows.of(Map.of("vda", List.of(new long[] {100, 200})));

  @Test
  void aWaitBegunBeforeTheSpanCountsOnlyByItsPartInsideIt() {
    QueueFullWindows span = FULL_100_TO_200.during(300, 500);

    assertThat(FULL_100_TO_200.coversAny(150, 400)).isTrue(); // no span: the whole wait
    assertThat(span.coversAny(150, 400)).isFalse(); // full before the span only
    assertThat(FULL_100_TO_200.during(180, 500).coversAny(150, 400)).isTrue(); // full in it too
    assertThat(span.coversAny(50, 90)).isFalse(); // entirely outside the span
  }

  @Test
  void aDevicesOwnEventsAreJudgedByTheirWholeInterval() {
    assertThat(FULL_100_TO_200.during(300, 500).covers("vda", 150, 400)).isTrue();
    assertThat(FULL_100_TO_200.covers("vdb", 150, 400)).isFalse();
  }
}
