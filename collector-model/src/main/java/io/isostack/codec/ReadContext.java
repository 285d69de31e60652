package io.isostack.codec;

import io.isostack.clock.ClockConverter;
import java.time.Clock;
import java.util.Objects;

/**
 * The settings every {@link FormatReader} may need, shared by all inputs of one run: the clock
 * offsets that place boottime and monotonic readings on the Unix epoch ({@code clock.sync} records,
 * {@code --clock-offset}, {@code --boot-time}), the host of records that name none, and the anchors
 * of libbpf-tools text times.
 *
 * <p>Immutable and thread-safe (the {@link ClockConverter} it holds is itself thread-safe); the
 * {@code with*} methods return copies.
 */
public final class ReadContext {
  private final ClockConverter clocks;
  private final String defaultHost;
  private final LibbpfToolsReader.Options libbpf;

  private ReadContext(ClockConverter clocks, String defaultHost, LibbpfToolsReader.Options libbpf) {
    this.clocks = Objects.requireNonNull(clocks, "clocks");
    this.defaultHost = Objects.requireNonNull(defaultHost, "defaultHost");
    this.libbpf = Objects.requireNonNull(libbpf, "libbpf");
  }

  /**
   * A context with libbpf-tools times placed on today's date of {@code today} ({@link
   * LibbpfToolsReader.Options#defaults}).
   *
   * @param clocks clock offsets for boottime/monotonic times ({@code clock.sync} records add to it)
   * @param defaultHost the {@code host.name} of records whose producer names no host
   * @param today the clock whose date and zone undated {@code HH:MM:SS} times are placed on
   * @return the context
   * @throws NullPointerException if an argument is null
   */
  public static ReadContext of(ClockConverter clocks, String defaultHost, Clock today) {
    return new ReadContext(clocks, defaultHost, LibbpfToolsReader.Options.defaults(today));
  }

  /** The clock offsets; {@code clock.sync} records update them. */
  public ClockConverter clocks() {
    return clocks;
  }

  /** The {@code host.name} of records whose producer names no host. */
  public String defaultHost() {
    return defaultHost;
  }

  /** The date, zone, start and interval that place libbpf-tools/BCC times. */
  public LibbpfToolsReader.Options libbpf() {
    return libbpf;
  }

  /** A copy with other libbpf-tools options. */
  public ReadContext withLibbpf(LibbpfToolsReader.Options options) {
    return new ReadContext(clocks, defaultHost, options);
  }
}
