package io.isostack.correlator.detect;

import static io.isostack.correlator.testing.SpanBuilder.ms;
import static io.isostack.correlator.testing.SpanBuilder.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import org.junit.jupiter.api.Test;

class CriticalPathTest {
  private static final long MS = 1_000_000L;

  private final TraceAssembler assembler = new TraceAssembler();

  private SpanView add(SpanView s) {
    assembler.add(s);
    return s;
  }

  private Trace trace() {
    return assembler.traces().iterator().next();
  }

  private static long total(CriticalPath path) {
    long sum = 0;
    for (SpanView s : path.spans()) {
      sum += path.sections(s).totalNanos();
    }
    return sum;
  }

  @Test
  void nestedCallsHoldTheirSelfTimeAtEachLevel() {
    // 288 ms = 7 ms in the root + 80 ms on the wire (client minus server) + 201 ms in the server.
    SpanView root =
        add(span(1).op("frontend", "GET /checkout", SpanKind.SERVER).at(0, 288).build());
    SpanView client =
        add(span(2).parent(1).op("frontend", "GET /pay", SpanKind.CLIENT).at(3, 284).build());
    SpanView server =
        add(span(3).parent(2).op("backend", "GET /pay", SpanKind.SERVER).at(43, 244).build());

    CriticalPath path = CriticalPath.of(trace(), root);

    assertThat(path.spans()).containsExactly(root, client, server);
    assertThat(path.requestNanos()).isEqualTo(288 * MS);
    assertThat(path.selfOnPathNanos(root)).isEqualTo(7 * MS);
    assertThat(path.selfOnPathNanos(client)).isEqualTo(80 * MS);
    assertThat(path.selfOnPathNanos(server)).isEqualTo(201 * MS);
    assertThat(total(path)).isEqualTo(288 * MS);
  }

  @Test
  void sequentialChildrenAreAllOnThePath() {
    SpanView root = add(span(1).at(0, 300).build());
    SpanView first = add(span(2).parent(1).op("db", "SELECT", SpanKind.CLIENT).at(10, 100).build());
    SpanView second = add(span(3).parent(1).op("api", "GET", SpanKind.CLIENT).at(100, 290).build());

    CriticalPath path = CriticalPath.of(trace(), root);

    assertThat(path.spans()).containsExactlyInAnyOrder(root, first, second);
    assertThat(path.sections(root).totalNanos()).isEqualTo(20 * MS);
    assertThat(path.selfOnPathNanos(first)).isEqualTo(90 * MS);
    assertThat(path.selfOnPathNanos(second)).isEqualTo(190 * MS);
  }

  @Test
  void ofParallelChildrenOnlyTheOneEndingLastIsOnThePath() {
    SpanView root = add(span(1).at(0, 300).build());
    SpanView early = add(span(2).parent(1).op("a", "GET", SpanKind.CLIENT).at(0, 250).build());
    SpanView late = add(span(3).parent(1).op("b", "GET", SpanKind.CLIENT).at(50, 280).build());

    CriticalPath path = CriticalPath.of(trace(), root);

    assertThat(path.contains(early)).isFalse();
    assertThat(path.selfOnPathNanos(early)).isZero();
    assertThat(path.selfOnPathNanos(late)).isEqualTo(230 * MS);
    // The root holds [0, 50) and [280, 300) on the path, but runs alone only in [280, 300).
    assertThat(path.sections(root).totalNanos()).isEqualTo(70 * MS);
    assertThat(path.selfOnPathNanos(root)).isEqualTo(20 * MS);
    assertThat(total(path)).isEqualTo(300 * MS);
  }

  @Test
  void aChildEndingAfterItsParentIsClippedToIt() {
    // Spans of two processes may be skewed: the server seems to end after its client.
    SpanView root = add(span(1).at(0, 700).build());
    SpanView client = add(span(2).parent(1).op("f", "GET", SpanKind.CLIENT).at(10, 690).build());
    SpanView server = add(span(3).parent(2).op("b", "GET", SpanKind.SERVER).at(50, 900).build());

    CriticalPath path = CriticalPath.of(trace(), root);

    assertThat(path.sections(server).totalNanos()).isEqualTo(640 * MS);
    assertThat(path.selfOnPathNanos(client)).isEqualTo(40 * MS);
    assertThat(total(path)).isEqualTo(700 * MS);
  }

  @Test
  void aLeafRootHoldsAllOfItsRequest() {
    SpanView root = add(span(1).at(0, 400).build());

    CriticalPath path = CriticalPath.of(trace(), root);

    assertThat(path.spans()).containsExactly(root);
    assertThat(path.selfOnPathNanos(root)).isEqualTo(400 * MS);
    assertThat(path.sections(root).start(0)).isEqualTo(ms(0));
  }
}
