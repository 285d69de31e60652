package io.isostack.correlator.join;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlicedEventIndexTest {
  private static final long SLICE = 1_000_000_000L;
  private static final EntityKey PID = EntityKey.process("node-1", 4242);

  private final SlicedEventIndex index =
      new SlicedEventIndex(
          SLICE, new EventRouter(new ProcessDirectory(), new InterfaceDirectory(), new Coverage()));

  private static KernelEvent runq(String comm, double startMs, double endMs) {
    return KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
        .interval(ms(startMs), ms(endMs))
        .task(4242, 4242, comm)
        .build();
  }

  private List<String> query(EntityKey key, double fromMs, double toMs) {
    List<String> out = new ArrayList<>();
    index.query(key, ms(fromMs), ms(toMs), e -> out.add(e.comm()));
    return out;
  }

  @Test
  void findsTheEventsOverlappingTheWindowAcrossSlices() {
    index.add(runq("before", 100, 200));
    index.add(runq("first-slice", 900, 950));
    index.add(runq("crossing", 1900, 2100));
    index.add(runq("third-slice", 2500, 2600));
    index.add(runq("after", 4000, 4100));

    assertThat(query(PID, 920, 2550)).containsExactly("first-slice", "crossing", "third-slice");
  }

  @Test
  void findsAnEventThatStartedSlicesBeforeTheWindow() {
    index.add(runq("long", 0, 3500));

    assertThat(query(PID, 3200, 3300)).containsExactly("long");
  }

  @Test
  void eventsOfOtherKeysAreNotFound() {
    index.add(
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .interval(ms(100), ms(200))
            .task(4243, 4243, "other")
            .build());

    assertThat(query(PID, 0, 1000)).isEmpty();
  }

  @Test
  void eventsAddedAfterAQueryAreFoundInStartOrder() {
    index.add(runq("late", 500, 600));
    assertThat(query(PID, 0, 1000)).containsExactly("late");

    index.add(runq("early", 100, 200));

    assertThat(query(PID, 0, 1000)).containsExactly("early", "late");
  }

  @Test
  void evictionDropsWholeSlicesThatEndedBeforeTheLimit() {
    index.add(runq("slice-0", 100, 200));
    index.add(runq("slice-0-too", 300, 400));
    index.add(runq("slice-1", 1100, 1200));
    index.add(runq("slice-2", 2100, 2200));

    assertThat(index.evictBefore(ms(1500))).isEqualTo(2);

    assertThat(index.size()).isEqualTo(2);
    assertThat(query(PID, 0, 3000)).containsExactly("slice-1", "slice-2");
  }

  @Test
  void evictionKeepsTheSliceHoldingTheLimitEvenForEventsEndedBeforeIt() {
    index.add(runq("ended-before-limit", 1100, 1200));

    assertThat(index.evictBefore(ms(1500))).isZero();

    assertThat(query(PID, 0, 3000)).containsExactly("ended-before-limit");
  }

  @Test
  void sizeCountsEachEventOnceWhateverItsKeys() {
    index.add(
        KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
            .interval(ms(100), ms(200))
            .task(4242, 4242, "java")
            .cgroup(31, "/demo-backend")
            .build());

    assertThat(index.size()).isEqualTo(1);
    assertThat(index.evictBefore(ms(10_000))).isEqualTo(1);
    assertThat(index.size()).isZero();
  }

  @Test
  void rejectsANonPositiveSlice() {
    EventRouter router =
        new EventRouter(new ProcessDirectory(), new InterfaceDirectory(), new Coverage());

    assertThatThrownBy(() -> new SlicedEventIndex(0, router))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sliceNanos");
  }
}
