package io.isostack.correlator.verdict;

import io.isostack.correlator.join.EventIndex;
import io.isostack.correlator.rules.QueueFullWindows;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The virtqueue evidence among a hop's joined events: the windows in which a virtio-blk disk's
 * request queue was at its depth ({@code block.queue_full} on a device whose {@code attrs.driver}
 * is {@code virtio*}, or, without a driver, whose name is {@code vd*}: docs/METHOD.md §2, the
 * device table). A full queue on another driver's disk is not virtqueue evidence. Stateless.
 */
final class VirtqueueEvidence {
  private VirtqueueEvidence() {}

  /**
   * The windows of the joined events' full virtio-blk queues.
   *
   * @param joined the hop's joined events (any join)
   * @return per device, when its queue was at its depth; {@link QueueFullWindows#NONE} if never
   */
  static QueueFullWindows of(Iterable<KernelEvent> joined) {
    Map<String, List<long[]>> byDevice = new HashMap<>();
    for (KernelEvent e : joined) {
      if (e.name() == EventName.BLOCK_QUEUE_FULL && e.dev() != null && isVirtio(e)) {
        // A sampler's event stands for its whole window: the queue was at its depth in it.
        long interval = EventIndex.samplingIntervalNanos(e);
        long start = interval > 0 ? e.endEpochNanos() - interval : e.startEpochNanos();
        byDevice
            .computeIfAbsent(e.dev(), d -> new ArrayList<>())
            .add(new long[] {start, e.endEpochNanos()});
      }
    }
    return QueueFullWindows.of(byDevice);
  }

  /** Whether the event's device is a virtio disk, by its driver, else by its name. */
  static boolean isVirtio(KernelEvent e) {
    String driver = e.attr("driver");
    if (driver != null) {
      return driver.toLowerCase(Locale.ROOT).startsWith("virtio");
    }
    return e.dev().startsWith("vd");
  }
}
