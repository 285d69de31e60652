package io.isostack.correlator.stream;

import io.isostack.model.KernelEvent;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * What travels on the by-host repartition topic, keyed by {@code host.name}: a kernel event of the
 * host, or a slow hop that ran on it. One topic for both keeps them in one partition per host, in
 * the order they were produced, so the vertical step sees a host's events and hops together.
 */
sealed interface HostRecord {
  WireSerde<HostRecord> SERDE = new WireSerde<>(new HostRecordCodec());

  /** A kernel event, its time already in the Unix epoch. */
  record Event(KernelEvent event) implements HostRecord {
    /** Validates: the event is required. */
    public Event {
      Objects.requireNonNull(event, "event");
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
      if (r instanceof Event e) {
        out.writeByte(1);
        Wire.event(out, e.event());
      } else if (r instanceof Hop h) {
        out.writeByte(2);
        HOPS.write(out, h.hop());
      }
    }

    @Override
    public HostRecord read(DataInput in) throws IOException {
      byte tag = in.readByte();
      return switch (tag) {
        case 1 -> new Event(Wire.event(in));
        case 2 -> new Hop(HOPS.read(in));
        default -> throw new IOException("unknown host record tag " + tag);
      };
    }
  }
}
