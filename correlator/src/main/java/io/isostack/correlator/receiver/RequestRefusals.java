package io.isostack.correlator.receiver;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests the receivers refuse before reading them because of who sent them, by {@link
 * Reason}: the metric {@code correlator.requests.refused} (tag {@code reason}). Refusals for memory
 * are the {@link MemoryLimiter}'s; rejected records are {@link RejectTally}'s. Thread-safe.
 */
public final class RequestRefusals {
  /** Why a request was refused. */
  public enum Reason {
    /** {@code Host} or {@code :authority} not allowed ({@link AllowedHosts}): HTTP 421, gRPC 7. */
    WRONG_HOST("wrong-host"),
    /** A browser's cross-origin request: HTTP 403. */
    CROSS_ORIGIN("cross-origin"),
    /** Missing or wrong bearer token: HTTP 401, gRPC {@code UNAUTHENTICATED}. */
    UNAUTHENTICATED("unauthenticated");

    private final String tag;

    Reason(String tag) {
      this.tag = tag;
    }

    /** The value of the meter's {@code reason} tag. */
    public String tag() {
      return tag;
    }
  }

  private final LongAdder[] counts = new LongAdder[Reason.values().length];

  /** A tally at zero. */
  public RequestRefusals() {
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** Counts one refused request. */
  public void refused(Reason reason) {
    counts[reason.ordinal()].increment();
  }

  /** Requests refused for {@code reason} so far. */
  public long count(Reason reason) {
    return counts[reason.ordinal()].sum();
  }
}
