package io.isostack.correlator.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RollingBaselines} keeps medians between records; they equal a fresh sort each time. */
class RollingBaselinesTest {

  @Test
  void keptMediansEqualASortOnEveryCallThroughRecordsAndEvictions() {
    Random r = new Random(1);
    RollingBaselines b = new RollingBaselines(4);
    Naive naive = new Naive(4);
    List<String> ops = List.of("a", "b", "c", "d", "e", "f");
    for (int i = 0; i < 20_000; i++) {
      String op = ops.get(r.nextInt(ops.size()));
      if (r.nextInt(3) == 0) {
        long v = r.nextInt(1_000_000);
        b.record(op, v);
        naive.record(op, v);
      } else {
        assertThat(b.median(op)).as("step %d op %s", i, op).isEqualTo(naive.median(op));
      }
    }
  }

  /** The former implementation: sorts on every call. */
  private static final class Naive {
    private final Map<String, List<Long>> values = new java.util.HashMap<>();
    private final Map<String, Boolean> order;

    Naive(int max) {
      order =
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              boolean evict = size() > max;
              if (evict) {
                values.remove(eldest.getKey());
              }
              return evict;
            }
          };
    }

    void record(String op, long v) {
      order.computeIfAbsent(op, k -> true);
      values.computeIfAbsent(op, k -> new ArrayList<>()).add(v);
    }

    long median(String op) {
      List<Long> l = values.get(op);
      if (l == null || l.size() < SlowSpanDetector.BASELINE_MIN_SAMPLES) {
        return -1;
      }
      order.get(op);
      List<Long> last = l.subList(Math.max(0, l.size() - RollingBaselines.SAMPLES), l.size());
      long[] s = last.stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(s);
      return s[s.length / 2];
    }
  }
}
