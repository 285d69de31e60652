package io.isostack.correlator.detect;

import static io.isostack.correlator.testing.SpanBuilder.span;
import static io.isostack.correlator.testing.SpanBuilder.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LiveTraces} completes traces from its deadline queues exactly as a scan of every pending
 * trace on every call did.
 */
class LiveTracesTest {
  private static final long IDLE = 500;
  private static final long TIMEOUT = 3_000;

  @Test
  void aSpanPushesItsTraceBackAndCompletionFollowsFirstArrival() {
    LiveTraces t = new LiveTraces(100);
    t.add(span(1).trace(traceId(1)).at(0, 10).build(), 0);
    t.add(span(2).trace(traceId(2)).at(0, 10).build(), 100);
    t.add(span(3).trace(traceId(1)).parent(1).at(1, 2).build(), 400);

    assertThat(ids(t.complete(600, IDLE, TIMEOUT))).containsExactly(traceId(2));
    List<LiveTraces.Completed> later = t.complete(900, IDLE, TIMEOUT);
    assertThat(ids(later)).containsExactly(traceId(1));
    assertThat(later.get(0).completedEpochNanos()).isEqualTo(400 + IDLE);
  }

  @Test
  void rootlessTracesWaitForTheTimeoutAndCappedOnesCompleteAtOnce() {
    LiveTraces t = new LiveTraces(100, 2);
    t.add(span(2).trace(traceId(1)).parent(1).at(1, 2).build(), 0);
    t.add(span(1).trace(traceId(2)).at(0, 10).build(), 10);
    t.add(span(2).trace(traceId(2)).parent(1).at(1, 2).build(), 10);

    assertThat(ids(t.complete(20, IDLE, TIMEOUT))).containsExactly(traceId(2));
    assertThat(t.complete(TIMEOUT - 1, IDLE, TIMEOUT)).isEmpty();
    assertThat(ids(t.complete(TIMEOUT, IDLE, TIMEOUT))).containsExactly(traceId(1));
  }

  @Test
  void sameTracesSameOrderSameTimesAsAScanOfEveryPendingTrace() {
    Random r = new Random(7);
    LiveTraces t = new LiveTraces(1_000_000, 40);
    Scan scan = new Scan(40);
    long now = 0;
    for (int step = 0; step < 20_000; step++) {
      now += r.nextInt(3) == 0 ? r.nextInt(200) : 0;
      if (r.nextInt(4) == 0) {
        assertThat(describe(t.complete(now, IDLE, TIMEOUT)))
            .as("step %d", step)
            .isEqualTo(scan.complete(now));
        continue;
      }
      int trace = r.nextInt(300);
      int spanNo = 1 + r.nextInt(50);
      var b = span(spanNo).trace(traceId(trace + 1)).at(0, 5);
      if (spanNo != 1) {
        b.parent(1);
      }
      var s = b.build();
      assertThat(t.add(s, now, 0)).isEqualTo(scan.add(s.traceId(), s.spanId(), s.isRoot(), now));
    }
  }

  private static List<String> ids(List<LiveTraces.Completed> done) {
    return done.stream().map(c -> c.trace().traceId()).toList();
  }

  private static List<String> describe(List<LiveTraces.Completed> done) {
    return done.stream()
        .map(c -> c.trace().traceId() + "@" + c.completedEpochNanos() + "/" + c.trace().size())
        .toList();
  }

  /** The former completion: a scan of every pending trace, in order of first arrival. */
  private static final class Scan {
    private final java.util.Map<String, long[]> pending = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, java.util.Set<String>> spans = new java.util.HashMap<>();
    private final java.util.Set<String> done = new java.util.HashSet<>();
    private final int cap;

    Scan(int cap) {
      this.cap = cap;
    }

    /** {lastArrival, hasRoot, capped}. */
    boolean add(String trace, String spanId, boolean root, long now) {
      if (done.contains(trace)) {
        return false;
      }
      long[] p = pending.computeIfAbsent(trace, k -> new long[3]);
      java.util.Set<String> ids = spans.computeIfAbsent(trace, k -> new java.util.HashSet<>());
      if (p[2] == 1 || !ids.add(spanId)) {
        return false;
      }
      p[0] = now;
      p[1] |= root ? 1 : 0;
      p[2] = ids.size() >= cap ? 1 : 0;
      return true;
    }

    List<String> complete(long now) {
      List<String> out = new java.util.ArrayList<>();
      for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        long[] p = e.getValue();
        long quiet = now - p[0];
        if (p[2] == 1 || (p[1] == 1 && quiet >= IDLE) || quiet >= TIMEOUT) {
          it.remove();
          done.add(e.getKey());
          long at = p[2] == 1 ? now : p[0] + (p[1] == 1 ? IDLE : TIMEOUT);
          out.add(e.getKey() + "@" + at + "/" + spans.remove(e.getKey()).size());
        }
      }
      return out;
    }
  }
}
