package io.isostack.correlator.join;

import io.isostack.correlator.detect.SlowSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where and when slow hops happen, per host: answers "are many hops on this host slow at once?",
 * the condition for host-wide evidence (docs/METHOD.md §4, "every span slower, no single hop").
 * Built once from the slow hops, then read; not thread-safe while building.
 */
public final class HostActivity {
  private final Map<String, long[][]> byHost = new HashMap<>();
  private final Map<String, Long> maxDur = new HashMap<>();

  /**
   * Indexes the start times of {@code hops} by host; spans without {@code host.name} count for
   * {@code defaultHost}.
   */
  public HostActivity(List<SlowSpan> hops, String defaultHost) {
    Map<String, List<long[]>> lists = new HashMap<>();
    for (SlowSpan h : hops) {
      String host = h.span().host() != null ? h.span().host() : defaultHost;
      lists
          .computeIfAbsent(host, k -> new ArrayList<>())
          .add(new long[] {h.span().startEpochNanos(), h.span().endEpochNanos()});
    }
    for (Map.Entry<String, List<long[]>> e : lists.entrySet()) {
      long[][] arr = e.getValue().toArray(new long[0][]);
      Arrays.sort(arr, (a, b) -> Long.compare(a[0], b[0]));
      long md = 0;
      for (long[] iv : arr) {
        md = Math.max(md, iv[1] - iv[0]);
      }
      byHost.put(e.getKey(), arr);
      maxDur.put(e.getKey(), md);
    }
  }

  /** Number of slow hops on {@code host} whose span overlaps {@code [from, to]}. */
  public int count(String host, long from, long to) {
    long[][] arr = byHost.get(host);
    if (arr == null) {
      return 0;
    }
    long lowest = from - maxDur.get(host);
    int lo = 0;
    int hi = arr.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (arr[mid][0] < lowest) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int n = 0;
    for (int i = lo; i < arr.length && arr[i][0] <= to; i++) {
      if (arr[i][1] >= from) {
        n++;
      }
    }
    return n;
  }
}
