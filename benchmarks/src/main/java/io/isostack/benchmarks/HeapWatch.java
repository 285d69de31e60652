package io.isostack.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Watches the heap while a piece of work runs, three ways: the largest heap use sampled every
 * {@value #SAMPLE_MILLIS} ms ({@code MemoryMXBean}), the sum of the heap pools' peak use (an upper
 * bound: pools peak at different times), and the largest heap use right after a collection (GC
 * notifications: close to the live set, the figure that decides whether the work fits a heap).
 *
 * <p>Use {@link #start()}, run the work, then {@link #stop()}; one thread starts and stops it.
 */
final class HeapWatch implements NotificationListener {
  private static final long SAMPLE_MILLIS = 20;

  private final AtomicLong maxSampled = new AtomicLong();
  private final AtomicLong maxAfterGc = new AtomicLong();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final long gcCountBefore;
  private final long gcMillisBefore;
  private final Thread sampler;
  private volatile boolean running = true;

  private HeapWatch() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
    gcCountBefore = totalGcCount();
    gcMillisBefore = totalGcMillis();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter e) {
        e.addNotificationListener(this, null, null);
        emitters.add(e);
      }
    }
    sampler =
        new Thread(
            () -> {
              while (running) {
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                maxSampled.accumulateAndGet(used, Math::max);
                try {
                  Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "heap-watch");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Resets the pools' peaks and starts watching. */
  static HeapWatch start() {
    return new HeapWatch();
  }

  /** Stops watching; the figures stay readable. */
  void stop() throws InterruptedException {
    running = false;
    sampler.interrupt();
    sampler.join();
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(this);
      } catch (javax.management.ListenerNotFoundException ignored) {
        // already gone
      }
    }
  }

  @Override
  public void handleNotification(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long after = 0;
    for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
      after += u.getUsed();
    }
    // Non-heap pools (metaspace, code cache) are in the map too; subtract them.
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.NON_HEAP) {
        MemoryUsage u = info.getGcInfo().getMemoryUsageAfterGc().get(p.getName());
        if (u != null) {
          after -= u.getUsed();
        }
      }
    }
    maxAfterGc.accumulateAndGet(after, Math::max);
  }

  /** Largest sampled heap use, bytes. */
  long maxSampledBytes() {
    return maxSampled.get();
  }

  /** Largest heap use right after a collection, bytes (0 if none ran). */
  long maxAfterGcBytes() {
    return maxAfterGc.get();
  }

  /** Sum of the heap pools' peak use since {@link #start()}, bytes. */
  long poolPeakSumBytes() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** Collections since {@link #start()}. */
  long gcCount() {
    return totalGcCount() - gcCountBefore;
  }

  /** Milliseconds spent collecting since {@link #start()}. */
  long gcMillis() {
    return totalGcMillis() - gcMillisBefore;
  }

  private static long totalGcCount() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  private static long totalGcMillis() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionTime());
    }
    return n;
  }
}
