package io.isostack.clock;

import java.util.Locale;

/** The clock a kernel timestamp was taken in (docs/EVENTS.md, {@code clock} field). */
public enum ClockDomain {
  /** CLOCK_REALTIME: nanoseconds since the Unix epoch; needs no conversion. */
  REALTIME,
  /** CLOCK_BOOTTIME: bpftrace's {@code nsecs}, {@code bpf_ktime_get_boot_ns()}. */
  BOOTTIME,
  /** CLOCK_MONOTONIC: {@code bpf_ktime_get_ns()}; equals BOOTTIME until the machine suspends. */
  MONOTONIC;

  /** {@link #values()} once: each call of it copies the array. */
  private static final ClockDomain[] VALUES = values();

  /** The wire name: {@code realtime}, {@code boottime} or {@code monotonic}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a wire name.
   *
   * @param wire {@code realtime}, {@code boottime} or {@code monotonic}, case-insensitive
   * @return the domain, or null when the name is not one of these
   */
  public static ClockDomain fromWire(String wire) {
    for (ClockDomain d : VALUES) {
      if (d.name().equalsIgnoreCase(wire)) {
        return d;
      }
    }
    return null;
  }
}
