package io.isostack.correlator.join;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventIndexTest {
  private static final EntityKey PID = EntityKey.process("node-1", 4242);
  private static final EntityKey OTHER = EntityKey.process("node-1", 4243);

  private final EventIndex index = new EventIndex();

  private static KernelEvent event(String comm, double startMs, double endMs) {
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
  void returnsOnlyEventsOverlappingTheWindowInStartOrder() {
    index.add(PID, event("after", 300, 310));
    index.add(PID, event("inside", 120, 130));
    index.add(PID, event("before", 10, 20));
    index.add(PID, event("crossing-start", 90, 105));
    index.add(PID, event("crossing-end", 195, 250));
    index.seal();

    assertThat(query(PID, 100, 200)).containsExactly("crossing-start", "inside", "crossing-end");
  }

  @Test
  void findsALongEventThatStartedWellBeforeTheWindow() {
    index.add(PID, event("long", 0, 1000));
    for (int i = 0; i < 50; i++) {
      index.add(PID, event("short-" + i, 10 + i, 10.5 + i));
    }
    index.seal();

    assertThat(query(PID, 900, 950)).containsExactly("long");
  }

  @Test
  void windowBoundsAreInclusive() {
    index.add(PID, event("ends-at-from", 50, 100));
    index.add(PID, event("starts-at-to", 200, 220));
    index.add(PID, KernelEvent.builder(EventName.TCP_RETRANSMIT, "node-1").at(ms(150)).build());
    index.seal();

    List<KernelEvent> all = new ArrayList<>();
    index.query(PID, ms(100), ms(200), all::add);
    assertThat(all).hasSize(3);
  }

  @Test
  void eventsJustOutsideTheWindowAreLeftOut() {
    index.add(PID, event("ends-before", 50, 99.999999));
    index.add(PID, event("starts-after", 200.000001, 220));
    index.seal();

    assertThat(query(PID, 100, 200)).isEmpty();
  }

  @Test
  void keysAreKeptApart() {
    index.add(PID, event("mine", 100, 110));
    index.add(OTHER, event("theirs", 100, 110));
    index.seal();

    assertThat(query(PID, 0, 1000)).containsExactly("mine");
    assertThat(query(EntityKey.process("node-2", 4242), 0, 1000)).isEmpty();
    assertThat(index.keyCount()).isEqualTo(2);
    assertThat(index.referenceCount()).isEqualTo(2);
  }

  @Test
  void queryOfAnUnknownKeyVisitsNothing() {
    index.seal();
    assertThat(query(PID, 0, 1000)).isEmpty();
  }

  @Test
  void queryAfterOutOfOrderAddsWithoutSealThrows() {
    index.add(PID, event("late", 100, 110));
    index.add(PID, event("early", 10, 20));

    assertThatThrownBy(() -> query(PID, 0, 1000))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("seal");
  }

  @Test
  void sealAgainAfterFurtherOutOfOrderAddsMakesQueriesWork() {
    index.add(PID, event("b", 100, 110));
    index.seal();
    index.add(PID, event("a", 10, 20));
    index.seal();

    assertThat(query(PID, 0, 1000)).containsExactly("a", "b");
  }

  private static KernelEvent sample(String comm, double atMs, double stallMs, String attr) {
    return KernelEvent.builder(EventName.SCHED_RUNQ_LATENCY, "node-1")
        .interval(ms(atMs - stallMs), ms(atMs))
        .task(4242, 4242, comm)
        .attrs(java.util.Map.of(attr, "1000000000"))
        .build();
  }

  @Test
  void sampleTakenAfterTheWindowIsFoundWhenItsIntervalReachesBackIntoIt() {
    index.add(PID, sample("sampled", 1500, 400, "interval_ns"));
    index.add(PID, sample("coarse", 1600, 10, "time_resolution_ns"));
    index.seal();

    assertThat(query(PID, 0, 1000)).containsExactly("sampled", "coarse");
  }

  @Test
  void sampleWhoseIntervalStartsAfterTheWindowIsLeftOut() {
    index.add(PID, sample("sampled", 2500, 400, "interval_ns"));
    index.seal();

    assertThat(query(PID, 0, 1000)).isEmpty();
  }

  @Test
  void reachOfASampleIsTheStartOfItsInterval() {
    assertThat(EventIndex.reachStart(sample("sampled", 1500, 400, "interval_ns")))
        .isEqualTo(ms(500));
    assertThat(EventIndex.reachStart(event("precise", 100, 200))).isEqualTo(ms(100));
  }
}
