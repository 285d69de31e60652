package io.isostack.correlator.detect;

import static io.isostack.correlator.testing.SpanBuilder.id;
import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static io.isostack.correlator.testing.SpanBuilder.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceAssemblerTest {

  private final TraceAssembler assembler = new TraceAssembler();

  private Trace only() {
    assertThat(assembler.traces()).hasSize(1);
    return assembler.traces().iterator().next();
  }

  private static List<String> ids(Iterable<SpanView> spans) {
    List<String> out = new ArrayList<>();
    spans.forEach(s -> out.add(s.spanId()));
    return out;
  }

  @Test
  void groupsSpansByTraceId() {
    assembler.add(span(1).trace(traceId(1)).at(0, 10).build());
    assembler.add(span(2).trace(traceId(2)).at(0, 10).build());
    assembler.add(span(3).trace(traceId(1)).parent(1).at(1, 9).build());

    assertThat(assembler.traces()).extracting(Trace::traceId).containsOnly(traceId(1), traceId(2));
    assertThat(assembler.traces())
        .filteredOn(t -> t.traceId().equals(traceId(1)))
        .singleElement()
        .extracting(Trace::size)
        .isEqualTo(2);
    assertThat(assembler.spanCount()).isEqualTo(3);
  }

  @Test
  void linksChildrenThatArriveBeforeTheirParent() {
    SpanView grandchild = span(3).parent(2).at(20, 30).build();
    SpanView child = span(2).parent(1).at(10, 40).build();
    SpanView root = span(1).at(0, 50).build();
    assembler.add(grandchild);
    assembler.add(child);
    assembler.add(root);

    Trace t = only();
    assertThat(t.children(root)).containsExactly(child);
    assertThat(t.children(child)).containsExactly(grandchild);
    assertThat(t.parent(grandchild)).isEqualTo(child);
    assertThat(t.pathTo(grandchild)).containsExactly(root, child, grandchild);
  }

  @Test
  void childrenSeenBeforeALateSpanArrivesAreRecomputed() {
    SpanView root = span(1).at(0, 50).build();
    assembler.add(root);
    Trace t = only();
    assertThat(t.children(root)).isEmpty();

    SpanView child = span(2).parent(1).at(10, 20).build();
    assembler.add(child);
    assertThat(t.children(root)).containsExactly(child);
  }

  @Test
  void duplicateSpanIsIgnoredAndCounted() {
    SpanView first = span(1).op("svc", "first", SpanKind.SERVER).at(0, 10).build();
    SpanView repeat = span(1).op("svc", "repeat", SpanKind.SERVER).at(0, 99).build();

    assertThat(assembler.add(first)).isTrue();
    assertThat(assembler.add(repeat)).isFalse();

    assertThat(assembler.spanCount()).isEqualTo(1);
    assertThat(assembler.duplicateCount()).isEqualTo(1);
    assertThat(only().span(first.spanId()).name()).isEqualTo("first");
  }

  @Test
  void sameSpanIdInAnotherTraceIsNotADuplicate() {
    assembler.add(span(1).trace(traceId(1)).at(0, 10).build());
    assertThat(assembler.add(span(1).trace(traceId(2)).at(0, 10).build())).isTrue();
    assertThat(assembler.duplicateCount()).isZero();
  }

  @Test
  void spanWhoseParentIsMissingTopsItsOwnSubtree() {
    SpanView orphan = span(2).parent(1).at(10, 40).build();
    SpanView child = span(3).parent(2).at(15, 20).build();
    assembler.add(orphan);
    assembler.add(child);

    Trace t = only();
    assertThat(t.parent(orphan)).isNull();
    assertThat(t.pathTo(child)).containsExactly(orphan, child);
    assertThat(t.selfTime(orphan).totalNanos()).isEqualTo(ms(40) - ms(10) - (ms(20) - ms(15)));
  }

  @Test
  void spansKeepArrivalOrder() {
    assembler.add(span(3).at(0, 1).build());
    assembler.add(span(1).at(0, 1).build());
    assembler.add(span(2).at(0, 1).build());
    assertThat(ids(only().spans())).containsExactly(id(3), id(1), id(2));
  }

  @Test
  void selfTimeOfALeafIsItsWholeDuration() {
    SpanView leaf = span(1).at(0, 120).build();
    assembler.add(leaf);
    assertThat(only().selfTime(leaf).totalNanos()).isEqualTo(120_000_000L);
  }

  @Test
  void selfTimeSubtractsTheUnionOfOverlappingChildren() {
    SpanView parent = span(1).at(0, 100).build();
    assembler.add(parent);
    assembler.add(span(2).parent(1).at(10, 40).build());
    assembler.add(span(3).parent(1).at(30, 60).build());
    assembler.add(span(4).parent(1).at(35, 45).build());

    Intervals self = only().selfTime(parent);
    // Children cover 10..60 once, not 30 + 30 + 10 ms.
    assertThat(self.totalNanos()).isEqualTo(50_000_000L);
    assertThat(self.size()).isEqualTo(2);
    assertThat(self.start(1)).isEqualTo(ms(60));
  }

  @Test
  void selfTimeIgnoresThePartOfAChildOutsideTheParent() {
    SpanView parent = span(1).at(0, 100).build();
    assembler.add(parent);
    assembler.add(span(2).parent(1).at(50, 150).build());

    Intervals self = only().selfTime(parent);
    assertThat(self.totalNanos()).isEqualTo(50_000_000L);
    assertThat(self.end(self.size() - 1)).isEqualTo(ms(50));
  }

  @Test
  void selfTimeIsZeroWhenChildrenCoverTheParent() {
    SpanView parent = span(1).at(10, 20).build();
    assembler.add(parent);
    assembler.add(span(2).parent(1).at(0, 30).build());
    assertThat(only().selfTime(parent).isEmpty()).isTrue();
  }

  @Test
  void clientSelfTimeIsThePartItsServerChildDoesNotCover() {
    SpanView client = span(1).op("frontend", "GET /pay", SpanKind.CLIENT).at(0, 1000).build();
    SpanView server =
        span(2).parent(1).op("backend", "GET /pay", SpanKind.SERVER).at(100, 300).build();
    assembler.add(server);
    assembler.add(client);

    Trace t = only();
    assertThat(t.selfTime(client).totalNanos()).isEqualTo(800_000_000L);
    assertThat(t.selfTime(client).overlap(ms(100), ms(300))).isZero();
    assertThat(t.selfTime(server).totalNanos()).isEqualTo(200_000_000L);
  }
}
