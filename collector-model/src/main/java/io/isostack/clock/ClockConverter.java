package io.isostack.clock;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Converts kernel timestamps taken in {@link ClockDomain#BOOTTIME} or {@link ClockDomain#MONOTONIC}
 * to nanoseconds since the Unix epoch, using the latest {@code clock.sync} record per (host, clock)
 * or a user-supplied offset (docs/EVENTS.md, "Clock records").
 *
 * <p>An offset is {@code REALTIME - CLOCK} in nanoseconds, so that {@code epochNanos = clockNanos +
 * offset}; a sync record taken at {@code (clockNanos, realtimeNanos)} gives {@code offset =
 * realtimeNanos - clockNanos}, which reproduces the rule {@code realtime_ns + (time_ns -
 * sync.time_ns)} exactly. A sync record for a host wins over the user offset for its domain; the
 * user offset applies to every host that has no sync record of its own for that domain. A later
 * sync record replaces an earlier one (NTP slews REALTIME, so producers re-sample it).
 *
 * <p>Thread-safe: readers of several streams may share one converter; updates are visible to
 * conversions that start after them.
 */
public final class ClockConverter {

  private static final int DOMAINS = ClockDomain.values().length;

  private final ConcurrentHashMap<String, AtomicReferenceArray<Long>> synced =
      new ConcurrentHashMap<>();
  private final AtomicReferenceArray<Long> userOffsets = new AtomicReferenceArray<>(DOMAINS);
  private final ConcurrentHashMap<String, AtomicReferenceArray<Long>> resolutions =
      new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();

  /** Creates a converter that knows no offset yet. */
  public ClockConverter() {}

  /**
   * Records a {@code clock.sync} sample: at the same instant, {@code domain} read {@code
   * clockNanos} and CLOCK_REALTIME read {@code realtimeNanos} on {@code host}.
   *
   * @param host the node the sample was taken on
   * @param domain the clock sampled; {@link ClockDomain#REALTIME} samples are ignored
   * @param clockNanos the clock's reading, nanoseconds
   * @param realtimeNanos the realtime reading, nanoseconds since the Unix epoch
   * @throws NullPointerException if host or domain is null
   * @throws ArithmeticException if the offset overflows a long
   */
  public void sync(String host, ClockDomain domain, long clockNanos, long realtimeNanos) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(domain, "domain");
    if (domain == ClockDomain.REALTIME) {
      return;
    }
    long offset = Math.subtractExact(realtimeNanos, clockNanos);
    synced
        .computeIfAbsent(host, h -> new AtomicReferenceArray<>(DOMAINS))
        .set(domain.ordinal(), offset);
    resolutions
        .computeIfAbsent(host, h -> new AtomicReferenceArray<>(DOMAINS))
        .accumulateAndGet(domain.ordinal(), resolution(realtimeNanos), ClockConverter::coarser);
    version.incrementAndGet();
  }

  /**
   * The resolution of a realtime reading as printed: the largest power of ten up to 1 s that
   * divides it (a producer printing microseconds, as bpftrace's {@code strftime("%s%f")}, gives
   * 1000 ns).
   */
  private static long resolution(long realtimeNanos) {
    long r = 1;
    while (r < 1_000_000_000L && realtimeNanos % (r * 10) == 0) {
      r *= 10;
    }
    return r;
  }

  private static Long coarser(Long a, Long b) {
    return a == null ? b : Math.max(a, b);
  }

  /**
   * Every clock conversion known: per host and domain, the offset from {@code clock.sync} records
   * and the coarsest resolution of their realtime readings; per domain, a user offset ({@code
   * --clock-offset}) with unknown resolution. The conversion of an event's time is uncertain by
   * that resolution.
   *
   * @return the conversions, sync records first, by host then domain
   */
  public List<Conversion> conversions() {
    List<Conversion> out = new ArrayList<>();
    new TreeMap<>(synced)
        .forEach(
            (host, offsets) -> {
              AtomicReferenceArray<Long> res = resolutions.get(host);
              for (ClockDomain d : ClockDomain.values()) {
                Long o = offsets.get(d.ordinal());
                if (o != null) {
                  Long r = res == null ? null : res.get(d.ordinal());
                  out.add(new Conversion(host, d, o, r == null ? -1 : r));
                }
              }
            });
    for (ClockDomain d : ClockDomain.values()) {
      Long o = userOffsets.get(d.ordinal());
      if (o != null) {
        out.add(new Conversion(null, d, o, -1));
      }
    }
    return out;
  }

  /**
   * One clock conversion.
   *
   * @param host the host of a {@code clock.sync} record, or null for a {@code --clock-offset}
   * @param domain the clock converted
   * @param offsetNanos {@code REALTIME - clock}, nanoseconds
   * @param resolutionNanos the coarsest resolution of the sync records' realtime readings,
   *     nanoseconds, or -1 when unknown (a user offset)
   */
  public record Conversion(
      String host, ClockDomain domain, long offsetNanos, long resolutionNanos) {}

  /**
   * Sets the offset used for {@code domain} on hosts without a sync record of their own (the CLI's
   * {@code --clock-offset}).
   *
   * @param domain {@link ClockDomain#BOOTTIME} or {@link ClockDomain#MONOTONIC}
   * @param realtimeMinusClockNanos {@code CLOCK_REALTIME - domain}, nanoseconds
   * @throws IllegalArgumentException if domain is {@link ClockDomain#REALTIME}
   */
  public void setUserOffset(ClockDomain domain, long realtimeMinusClockNanos) {
    Objects.requireNonNull(domain, "domain");
    if (domain == ClockDomain.REALTIME) {
      throw new IllegalArgumentException("domain: realtime needs no offset");
    }
    userOffsets.set(domain.ordinal(), realtimeMinusClockNanos);
    version.incrementAndGet();
  }

  /**
   * Sets a user offset parsed by {@link #parseOffsetOption}.
   *
   * @param offset the offset
   */
  public void setUserOffset(UserOffset offset) {
    setUserOffset(offset.domain(), offset.realtimeMinusClockNanos());
  }

  /**
   * Whether {@link #toEpochNanos} can convert readings of {@code domain} taken on {@code host}.
   *
   * @return true for {@link ClockDomain#REALTIME}, or when a sync record or user offset is known
   */
  public boolean canConvert(String host, ClockDomain domain) {
    return domain == ClockDomain.REALTIME || offset(host, domain) != null;
  }

  /**
   * Converts a clock reading to nanoseconds since the Unix epoch.
   *
   * @param host the node the reading was taken on
   * @param domain the clock it was taken in; {@link ClockDomain#REALTIME} passes through unchanged
   * @param clockNanos the reading, nanoseconds
   * @return nanoseconds since the Unix epoch
   * @throws IllegalStateException if no offset is known for (host, domain): check {@link
   *     #canConvert} first
   * @throws ArithmeticException if the result overflows a long
   */
  public long toEpochNanos(String host, ClockDomain domain, long clockNanos) {
    if (domain == ClockDomain.REALTIME) {
      return clockNanos;
    }
    Long offset = offset(host, domain);
    if (offset == null) {
      throw new IllegalStateException(
          "no "
              + domain.wire()
              + " clock offset for host '"
              + host
              + "': no clock.sync record and no --clock-offset "
              + domain.wire()
              + "=NANOS");
    }
    return Math.addExact(clockNanos, offset);
  }

  /**
   * A number that changes whenever an offset is set, so that a reader may cache the offset it
   * looked up last and look again only when this changed.
   */
  /**
   * A copy of this converter's offsets, resolutions and user offsets, for a reader that decodes
   * part of an input on another thread and whose {@code clock.sync} records must not be seen by the
   * others until that part's turn comes ({@link #absorb}).
   *
   * @return an independent converter with the same state
   */
  public ClockConverter copy() {
    ClockConverter c = new ClockConverter();
    synced.forEach((host, offsets) -> c.synced.put(host, copyOf(offsets)));
    resolutions.forEach((host, r) -> c.resolutions.put(host, copyOf(r)));
    for (int d = 0; d < DOMAINS; d++) {
      c.userOffsets.set(d, userOffsets.get(d));
    }
    return c;
  }

  private static AtomicReferenceArray<Long> copyOf(AtomicReferenceArray<Long> a) {
    AtomicReferenceArray<Long> c = new AtomicReferenceArray<>(a.length());
    for (int i = 0; i < a.length(); i++) {
      c.set(i, a.get(i));
    }
    return c;
  }

  /**
   * Whether this converter turns every (host, domain) time into the same epoch time as {@code
   * other}: the same synced and user offsets (resolutions aside).
   *
   * @param other the converter to compare with
   * @return true when the offsets are equal
   */
  public boolean sameOffsets(ClockConverter other) {
    return offsetMap(synced).equals(offsetMap(other.synced))
        && offsetMap(Map.of("", userOffsets)).equals(offsetMap(Map.of("", other.userOffsets)));
  }

  private static Map<String, List<Long>> offsetMap(Map<String, AtomicReferenceArray<Long>> m) {
    Map<String, List<Long>> out = new HashMap<>();
    m.forEach(
        (host, a) -> {
          List<Long> l = new ArrayList<>(a.length());
          boolean any = false;
          for (int i = 0; i < a.length(); i++) {
            l.add(a.get(i));
            any |= a.get(i) != null;
          }
          if (any) {
            out.put(host, l);
          }
        });
    return out;
  }

  /**
   * Takes over what a {@link #copy} of this converter learnt from the {@code clock.sync} records of
   * the part of the input it read: its offsets, and the coarser of both resolutions.
   *
   * @param later a copy of this converter, taken when this one had the offsets it still has
   */
  public void absorb(ClockConverter later) {
    later.synced.forEach(
        (host, offsets) -> {
          AtomicReferenceArray<Long> mine =
              synced.computeIfAbsent(host, h -> new AtomicReferenceArray<>(DOMAINS));
          for (int d = 0; d < DOMAINS; d++) {
            if (offsets.get(d) != null) {
              mine.set(d, offsets.get(d));
            }
          }
        });
    later.resolutions.forEach(
        (host, r) -> {
          AtomicReferenceArray<Long> mine =
              resolutions.computeIfAbsent(host, h -> new AtomicReferenceArray<>(DOMAINS));
          for (int d = 0; d < DOMAINS; d++) {
            Long v = r.get(d);
            if (v != null) {
              mine.accumulateAndGet(d, v, ClockConverter::coarser);
            }
          }
        });
    version.incrementAndGet();
  }

  public long version() {
    return version.get();
  }

  /**
   * The offset {@code REALTIME - CLOCK} in use for a host and domain.
   *
   * @return the offset in nanoseconds, 0 for {@link ClockDomain#REALTIME}, or null when unknown
   */
  public Long offsetNanos(String host, ClockDomain domain) {
    return domain == ClockDomain.REALTIME ? Long.valueOf(0) : offset(host, domain);
  }

  private Long offset(String host, ClockDomain domain) {
    AtomicReferenceArray<Long> perHost = host == null ? null : synced.get(host);
    Long offset = perHost == null ? null : perHost.get(domain.ordinal());
    return offset != null ? offset : userOffsets.get(domain.ordinal());
  }

  /**
   * Parses a {@code --clock-offset} value {@code CLOCK=NANOS}, e.g. {@code
   * boottime=1795265109394948433}: CLOCK is {@code boottime} or {@code monotonic}
   * (case-insensitive) and NANOS the signed decimal {@code REALTIME - CLOCK} in nanoseconds.
   *
   * @param value the option's value
   * @return the parsed offset
   * @throws IllegalArgumentException naming the option and the value when it is malformed
   */
  public static UserOffset parseOffsetOption(String value) {
    String v = value == null ? "" : value.trim();
    int eq = v.indexOf('=');
    ClockDomain domain = eq > 0 ? ClockDomain.fromWire(v.substring(0, eq).trim()) : null;
    if (domain == null || domain == ClockDomain.REALTIME) {
      throw badOption(value);
    }
    try {
      return new UserOffset(domain, Long.parseLong(v.substring(eq + 1).trim()));
    } catch (NumberFormatException e) {
      throw badOption(value);
    }
  }

  private static IllegalArgumentException badOption(String value) {
    return new IllegalArgumentException(
        "--clock-offset '"
            + value
            + "': expected CLOCK=NANOS, CLOCK being boottime or monotonic and NANOS the signed"
            + " offset REALTIME minus CLOCK in nanoseconds, e.g. boottime=1795265109394948433");
  }

  /**
   * A user-supplied clock offset.
   *
   * @param domain {@link ClockDomain#BOOTTIME} or {@link ClockDomain#MONOTONIC}
   * @param realtimeMinusClockNanos {@code CLOCK_REALTIME - domain}, nanoseconds
   */
  public record UserOffset(ClockDomain domain, long realtimeMinusClockNanos) {
    /** Validates: domain is required and must not be realtime. */
    public UserOffset {
      Objects.requireNonNull(domain, "domain");
      if (domain == ClockDomain.REALTIME) {
        throw new IllegalArgumentException("domain: realtime needs no offset");
      }
    }
  }
}
