package io.isostack.correlator.receiver;

import io.isostack.codec.RejectListener;
import io.isostack.codec.Rejection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the records live inputs reject, by reason, and the records they skip on purpose (well
 * formed, no evidence: {@link io.isostack.codec.SkipReason}), by reason. Rejections are logged once
 * per burst: the first rejection of a burst is logged with its message, later ones are only counted
 * until {@value #BURST_SECONDS} s have passed, when one line sums them up. Data errors never stop
 * an input.
 *
 * <p>Thread-safe: every receiver and follower shares one tally.
 */
public final class RejectTally implements RejectListener {
  private static final Logger LOG = LoggerFactory.getLogger(RejectTally.class);
  private static final int BURST_SECONDS = 10;
  private static final long BURST_NANOS = BURST_SECONDS * 1_000_000_000L;

  private final Map<String, LongAdder> byReason = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> skippedByReason = new ConcurrentHashMap<>();
  private final List<Consumer<String>> skipReasonListeners = new CopyOnWriteArrayList<>();
  private final LongSupplier nanoTime;
  private long burstStart;
  private boolean inBurst;
  private long suppressed;

  /**
   * Creates a tally.
   *
   * @param nanoTime a monotonic clock in nanoseconds (e.g. {@code System::nanoTime})
   */
  public RejectTally(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  @Override
  public void rejected(Rejection r) {
    byReason.computeIfAbsent(r.reason(), k -> new LongAdder()).increment();
    String summary = null;
    boolean logThis = false;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      if (!inBurst || now - burstStart >= BURST_NANOS) {
        if (inBurst && suppressed > 0) {
          summary = suppressed + " more records rejected in the last " + BURST_SECONDS + " s";
        }
        inBurst = true;
        burstStart = now;
        suppressed = 0;
        logThis = true;
      } else {
        suppressed++;
      }
    }
    if (summary != null) {
      LOG.warn("{} (totals by reason: {})", summary, counts());
    }
    if (logThis) {
      LOG.warn(
          "rejected {}; further rejections are counted (GET /api/stats) and summed up every {} s",
          r,
          BURST_SECONDS);
    }
  }

  /** The rejections so far with one reason (a {@code RejectReason} code); 0 if none. */
  public long count(String reason) {
    LongAdder n = byReason.get(reason);
    return n == null ? 0 : n.sum();
  }

  /** The rejections so far, by reason, sorted by reason. */
  public Map<String, Long> counts() {
    Map<String, Long> out = new TreeMap<>();
    byReason.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /**
   * Counts {@code n} records skipped for {@code reason}; a reason seen for the first time is told
   * to the {@link #onNewSkipReason} listeners first.
   */
  public void skipped(String reason, long n) {
    LongAdder a = skippedByReason.get(reason);
    if (a == null) {
      LongAdder created = new LongAdder();
      a = skippedByReason.putIfAbsent(reason, created);
      if (a == null) {
        a = created;
        for (Consumer<String> l : skipReasonListeners) {
          l.accept(reason);
        }
      }
    }
    a.add(n);
  }

  /** Counts the skipped records of one read, by reason ({@code ReadSummary#skipped()}). */
  public void skipped(Map<String, Long> byReason) {
    byReason.forEach(this::skipped);
  }

  /** The skipped records so far with one reason; 0 if none. */
  public long skippedCount(String reason) {
    LongAdder n = skippedByReason.get(reason);
    return n == null ? 0 : n.sum();
  }

  /** The skipped records so far, by reason, sorted by reason. */
  public Map<String, Long> skippedCounts() {
    Map<String, Long> out = new TreeMap<>();
    skippedByReason.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /**
   * Calls {@code listener} with every skip reason seen so far and, from then on, with each new one
   * (on the thread of the input that skipped it): how {@code /metrics} registers one counter per
   * reason.
   */
  public void onNewSkipReason(Consumer<String> listener) {
    skipReasonListeners.add(listener);
    skippedByReason.keySet().forEach(listener);
  }
}
