package io.isostack.correlator.stream;

import io.isostack.model.KernelEvent;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * What travels on the by-host repartition topic, keyed by {@code host.name}: a batch of the host's
 * kernel events (from one input message, at most {@link #MAX_BATCH} events spanning at most {@link
 * #MAX_BATCH_SPAN_NANOS} of end times), or a slow hop that ran on it. One topic for both keeps them
 * in one partition per host, in the order they were produced, so the vertical step sees a host's
 * events and hops together.
 */
sealed interface HostRecord {
  WireSerde<HostRecord> SERDE = new WireSerde<>(new HostRecordCodec());

  /** The most events in one batch. */
  int MAX_BATCH = 1000;

  /** The longest stretch of end times in one batch: 1 s. */
  long MAX_BATCH_SPAN_NANOS = 1_000_000_000L;

  /** Kernel events of one host, their times already in the Unix epoch, in input order. */
  record Events(List<KernelEvent> events) implements HostRecord {
    /** Validates: at least one event. */
    public Events {
      events = List.copyOf(events);
      if (events.isEmpty()) {
        throw new IllegalArgumentException("events must not be empty");
      }
    }

    /** The latest end time of the batch, nanoseconds since the Unix epoch. */
    public long maxEndEpochNanos() {
      long max = Long.MIN_VALUE;
      for (KernelEvent e : events) {
        max = Math.max(max, e.endEpochNanos());
      }
      return max;
    }
  }

  /** A slow hop waiting for its host's events. */
  record Hop(HopRequest hop) implements HostRecord {
    /** Validates: the request is required. */
    public Hop {
      Objects.requireNonNull(hop, "hop");
    }
  }

  /** Tag byte 1: an event, 2: a hop. */
  final class HostRecordCodec implements WireSerde.Codec<HostRecord> {
    private static final HopRequest.HopCodec HOPS = new HopRequest.HopCodec();

    @Override
    public void write(DataOutput out, HostRecord r) throws IOException {
      if (r instanceof Events e) {
        out.writeByte(1);
        Wire.events(out, e.events());
      } else if (r instanceof Hop h) {
        out.writeByte(2);
        HOPS.write(out, h.hop());
      }
    }

    @Override
    public HostRecord read(DataInput in) throws IOException {
      byte tag = in.readByte();
      return switch (tag) {
        case 1 -> new Events(Wire.events(in));
        case 2 -> new Hop(HOPS.read(in));
        default -> throw new IOException("unknown host record tag " + tag);
      };
    }
  }
}
