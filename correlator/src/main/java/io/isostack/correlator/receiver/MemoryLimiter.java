package io.isostack.correlator.receiver;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The memory limiter of {@code correlator serve}: every buffer that grows with input reports the
 * bytes it holds here, by {@link Buffer}, and the receivers refuse new work (OTLP's retryable
 * answers) while the total is above the soft limit, so that nothing accepted has to be dropped.
 * Nothing may reserve past the hard limit.
 *
 * <p>The figures are estimates of retained heap, in bytes (request bodies: the buffers allocated;
 * spans and events: a per-record estimate of the objects kept), not measurements of the heap; the
 * defaults ({@link #forHeap}) leave the rest of the heap for what is not accounted (decoding,
 * evaluation, garbage between collections). This follows the OpenTelemetry Collector's {@code
 * memory_limiter} processor (soft limit = limit − spike; above it, refuse with a retryable error),
 * with the accounting made per buffer instead of read from the runtime. The limiter made for this
 * JVM ({@link #forHeap}) also refuses while the heap in use after the last collection is above 90 %
 * of the maximum heap, a backstop for what the estimates miss.
 *
 * <p>Thread-safe: lock-free counters.
 */
public final class MemoryLimiter {
  /** The buffers accounted. */
  public enum Buffer {
    /** Request bodies being read or decoded (after decompression). */
    REQUEST_BODIES,
    /** Batches waiting in the engine's queue. */
    QUEUE,
    /** Spans of traces not yet evaluated. */
    OPEN_TRACES,
    /** Kernel events in the join window. */
    EVENT_WINDOW,
    /** Process, cgroup, interface and host directories. */
    DIRECTORIES;

    /** The tag value: lower case, dashes ({@code request-bodies}). */
    public String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final long softLimitBytes;
  private final long hardLimitBytes;
  private final AtomicLongArray used = new AtomicLongArray(Buffer.values().length);
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong highWater = new AtomicLong();
  private final AtomicLong refusals = new AtomicLong();
  private final LongSupplier heapAfterGcBytes;
  private final long heapLimitBytes;

  /**
   * Creates a limiter.
   *
   * @param softLimitBytes above this many bytes accounted, new requests are refused
   * @param hardLimitBytes no reservation may take the total past this
   * @throws IllegalArgumentException if a limit is not positive or soft exceeds hard
   */
  public MemoryLimiter(long softLimitBytes, long hardLimitBytes) {
    this(softLimitBytes, hardLimitBytes, () -> 0, Long.MAX_VALUE);
  }

  /**
   * Creates a limiter that also refuses while {@code heapAfterGcBytes} exceeds {@code
   * heapLimitBytes}.
   *
   * @param heapAfterGcBytes the heap in use after the last collection, bytes (read on every {@link
   *     #admits()}; must be cheap and thread-safe)
   * @param heapLimitBytes above it, nothing is admitted
   * @throws IllegalArgumentException if a limit is not positive or soft exceeds hard
   */
  public MemoryLimiter(
      long softLimitBytes,
      long hardLimitBytes,
      LongSupplier heapAfterGcBytes,
      long heapLimitBytes) {
    this.heapAfterGcBytes = Objects.requireNonNull(heapAfterGcBytes, "heapAfterGcBytes");
    this.heapLimitBytes = heapLimitBytes;
    if (softLimitBytes <= 0 || hardLimitBytes <= 0) {
      throw new IllegalArgumentException(
          "memory limits must be positive: soft " + softLimitBytes + ", hard " + hardLimitBytes);
    }
    if (softLimitBytes > hardLimitBytes) {
      throw new IllegalArgumentException(
          "the soft memory limit exceeds the hard one: " + softLimitBytes + " > " + hardLimitBytes);
    }
    this.softLimitBytes = softLimitBytes;
    this.hardLimitBytes = hardLimitBytes;
  }

  /**
   * The defaults for a heap of {@code maxHeapBytes} ({@link Runtime#maxMemory()}): hard limit half
   * the heap, soft limit 80 % of the hard one (the Collector's default spike share, 20 %), and no
   * admission while this JVM's heap after the last collection is above 90 % of {@code
   * maxHeapBytes}.
   */
  public static MemoryLimiter forHeap(long maxHeapBytes) {
    return withHardLimit(maxHeapBytes / 2, maxHeapBytes);
  }

  /**
   * A limiter whose soft limit is 80 % of {@code hardLimitBytes}, with the heap backstop of {@link
   * #forHeap} for a heap of {@code maxHeapBytes}.
   */
  public static MemoryLimiter withHardLimit(long hardLimitBytes, long maxHeapBytes) {
    return new MemoryLimiter(
        hardLimitBytes / 5 * 4,
        hardLimitBytes,
        MemoryLimiter::heapAfterLastCollection,
        maxHeapBytes / 10 * 9);
  }

  /**
   * The heap pools that report their usage after a collection: looked up once, as this JVM's pools
   * do not change ({@link ManagementFactory#getMemoryPoolMXBeans} builds the list anew on each
   * call, which cost 2 % of the spans-only server's CPU when called per request).
   */
  private static final List<MemoryPoolMXBean> HEAP_POOLS =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
          .toList();

  /** This JVM's heap in use after the last collection of each pool, bytes. */
  static long heapAfterLastCollection() {
    long used = 0;
    for (MemoryPoolMXBean pool : HEAP_POOLS) {
      MemoryUsage after = pool.getCollectionUsage();
      if (after != null) {
        used += after.getUsed();
      }
    }
    return used;
  }

  /** The soft limit, bytes. */
  public long softLimitBytes() {
    return softLimitBytes;
  }

  /** The hard limit, bytes. */
  public long hardLimitBytes() {
    return hardLimitBytes;
  }

  /**
   * Whether new work may be admitted: the total accounted is below the soft limit (and the heap
   * after the last collection below its limit, when there is one). A receiver that gets false
   * refuses with a retryable answer and counts it ({@link #refused()}).
   */
  public boolean admits() {
    return total.get() < softLimitBytes && heapAfterGcBytes.getAsLong() <= heapLimitBytes;
  }

  /** Counts one request or batch refused for memory. */
  public void refused() {
    refusals.incrementAndGet();
  }

  /** Requests and batches refused for memory so far. */
  public long refusals() {
    return refusals.get();
  }

  /**
   * Reserves {@code bytes} for {@code buffer} if the total stays within the hard limit.
   *
   * @return false (and nothing reserved) when it would not
   */
  public boolean tryReserve(Buffer buffer, long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative: " + bytes);
    }
    while (true) {
      long t = total.get();
      if (t + bytes > hardLimitBytes) {
        return false;
      }
      if (total.compareAndSet(t, t + bytes)) {
        used.addAndGet(buffer.ordinal(), bytes);
        highWater.accumulateAndGet(t + bytes, Math::max);
        return true;
      }
    }
  }

  /**
   * Reserves {@code bytes} for {@code buffer} whatever the total: for data already in memory that
   * moves from one buffer to another, or that the engine must keep.
   */
  public void reserve(Buffer buffer, long bytes) {
    used.addAndGet(buffer.ordinal(), bytes);
    highWater.accumulateAndGet(total.addAndGet(bytes), Math::max);
  }

  /** Releases {@code bytes} reserved for {@code buffer}. */
  public void release(Buffer buffer, long bytes) {
    reserve(buffer, -bytes);
  }

  /**
   * Sets what {@code buffer} holds to {@code bytes}: for a buffer whose owner re-estimates it as a
   * whole (the engine thread, each tick).
   */
  public void set(Buffer buffer, long bytes) {
    long before = used.getAndSet(buffer.ordinal(), bytes);
    highWater.accumulateAndGet(total.addAndGet(bytes - before), Math::max);
  }

  /** Bytes accounted now, all buffers. */
  public long usedBytes() {
    return total.get();
  }

  /** Bytes accounted now for one buffer. */
  public long usedBytes(Buffer buffer) {
    return used.get(buffer.ordinal());
  }

  /** The most bytes accounted at once so far. */
  public long highWaterBytes() {
    return highWater.get();
  }
}
