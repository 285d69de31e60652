package io.isostack.correlator.receiver;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what the network receivers take in, per {@link Channel}: records handed to the engine,
 * request bytes decoded, and events a producer reported lost. Followed files and producer commands
 * count their own ({@link EventFollower#counts()}, {@link EventProducer#counts()}).
 *
 * <p>Thread-safe: every receiver thread adds to one tally; reads may lag writes slightly.
 */
public final class ReceiveTally {
  /** One receiver of one signal; the set is closed, so meters over it have bounded tags. */
  public enum Channel {
    /** Spans over OTLP/gRPC. */
    OTLP_GRPC_SPANS("otlp-grpc", "spans"),
    /** Log records carrying kernel events over OTLP/gRPC. */
    OTLP_GRPC_LOGS("otlp-grpc", "logs"),
    /** Spans over OTLP/HTTP ({@code POST /v1/traces}). */
    OTLP_HTTP_SPANS("otlp-http", "spans"),
    /** Log records carrying kernel events over OTLP/HTTP ({@code POST /v1/logs}). */
    OTLP_HTTP_LOGS("otlp-http", "logs"),
    /** Canonical kernel-event lines over HTTP ({@code POST /v1/kernel-events}). */
    KERNEL_EVENTS("kernel-events", "events");

    private final String source;
    private final String signal;

    Channel(String source, String signal) {
      this.source = source;
      this.signal = signal;
    }

    /** The receiver: {@code otlp-grpc}, {@code otlp-http} or {@code kernel-events}. */
    public String source() {
      return source;
    }

    /** The signal: {@code spans}, {@code logs} or {@code events}. */
    public String signal() {
      return signal;
    }
  }

  private final LongAdder[] records = adders();
  private final LongAdder[] bytes = adders();
  private final LongAdder[] lost = adders();

  void add(Channel channel, long recordCount, long byteCount, long lostCount) {
    int i = channel.ordinal();
    if (recordCount > 0) {
      records[i].add(recordCount);
    }
    if (byteCount > 0) {
      bytes[i].add(byteCount);
    }
    if (lostCount > 0) {
      lost[i].add(lostCount);
    }
  }

  /** Records of a channel handed to the engine so far (refused requests are not counted). */
  public long records(Channel channel) {
    return records[channel.ordinal()].sum();
  }

  /** Request bytes of a channel decoded so far, after decompression, whatever the outcome. */
  public long bytes(Channel channel) {
    return bytes[channel.ordinal()].sum();
  }

  /**
   * Events a producer reported lost ({@code producer.lost} events' values), received on a channel.
   */
  public long lost(Channel channel) {
    return lost[channel.ordinal()].sum();
  }

  private static LongAdder[] adders() {
    LongAdder[] a = new LongAdder[Channel.values().length];
    for (int i = 0; i < a.length; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }
}
