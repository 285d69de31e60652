package io.isostack.correlator.join;

import io.isostack.model.KernelEvent;
import java.util.function.Consumer;

/** Where the vertical step finds kernel events: per entity, by time window. */
public interface EventSource {
  /**
   * Visits the events of one key that overlap {@code [from, to]} (both inclusive, nanoseconds since
   * the Unix epoch).
   */
  void query(EntityKey key, long from, long to, Consumer<KernelEvent> visitor);
}
