package io.isostack.model;

import java.util.Map;
import java.util.Objects;

/**
 * One kernel event of the canonical stream (docs/EVENTS.md), with its time already converted to the
 * Unix epoch.
 *
 * <p>An event with a duration covers {@code [startEpochNanos, endEpochNanos]}; an instant event (a
 * retransmit, a drop, a denied syscall) has {@code startEpochNanos == endEpochNanos}. Unknown
 * numeric fields use the sentinels {@link #UNKNOWN_PID}, {@code 0} for {@code cgroupId} and {@code
 * skCookie} (neither is ever 0 in the kernel) and {@link Double#NaN} for {@code value}. Instances
 * are immutable and safe to share between threads.
 *
 * @param name the event name
 * @param startEpochNanos start of the interval, nanoseconds since the Unix epoch
 * @param endEpochNanos end of the interval (the event's {@code time_ns}), nanoseconds since the
 *     Unix epoch; never before the start
 * @param host the node ({@code host.name}), never null
 * @param pid thread-group id in the host pid namespace, or {@link #UNKNOWN_PID}
 * @param tid thread id in the host pid namespace, or {@link #UNKNOWN_PID}
 * @param comm kernel task name, or null
 * @param cgroupId cgroup v2 id (inode of the cgroup directory), or 0
 * @param cgroupPath cgroup path such as {@code /kubepods/burstable/pod<uid>/<64-hex>}, or null
 * @param containerId container id when the producer knows it, or null
 * @param podUid pod uid when the producer knows it, or null
 * @param flow the socket's 5-tuple oriented {@code saddr/sport → daddr/dport}, or null
 * @param skCookie socket cookie, or 0
 * @param dev network or block device name, or null
 * @param value a count, size or rate in {@code unit}, or NaN
 * @param unit UCUM-style unit of {@code value}, or null
 * @param attrs other fields as text ({@code syscall}, {@code errno}, {@code state}, {@code
 *     message}...), never null
 * @param source producer and probe, e.g. {@code bpftrace:sched.bt}, or null
 */
public record KernelEvent(
    EventName name,
    long startEpochNanos,
    long endEpochNanos,
    String host,
    int pid,
    int tid,
    String comm,
    long cgroupId,
    String cgroupPath,
    String containerId,
    String podUid,
    FlowKey flow,
    long skCookie,
    String dev,
    double value,
    String unit,
    Map<String, String> attrs,
    String source) {

  /** The pid and tid sentinel for "not known". */
  public static final int UNKNOWN_PID = -1;

  /** Validates: name, host and attrs are required and the interval must not be inverted. */
  public KernelEvent {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(attrs, "attrs");
    if (endEpochNanos < startEpochNanos) {
      throw new IllegalArgumentException(
          "endEpochNanos " + endEpochNanos + " before startEpochNanos " + startEpochNanos);
    }
  }

  /** The interval's length in nanoseconds; 0 for instant events. */
  public long durNanos() {
    return endEpochNanos - startEpochNanos;
  }

  /** Whether the event covers an interval rather than an instant. */
  public boolean hasDuration() {
    return endEpochNanos > startEpochNanos;
  }

  /**
   * One attribute as text.
   *
   * @param key the attribute name, e.g. {@code "syscall"}
   * @return its value, or null when absent
   */
  public String attr(String key) {
    return attrs.get(key);
  }

  /** A new builder; fields default to their "unknown" sentinels. */
  public static Builder builder(EventName name, String host) {
    return new Builder(name, host);
  }

  /** Mutable builder for readers; not thread-safe. */
  public static final class Builder {
    private final EventName name;
    private final String host;
    private long startEpochNanos;
    private long endEpochNanos;
    private int pid = UNKNOWN_PID;
    private int tid = UNKNOWN_PID;
    private String comm;
    private long cgroupId;
    private String cgroupPath;
    private String containerId;
    private String podUid;
    private FlowKey flow;
    private long skCookie;
    private String dev;
    private double value = Double.NaN;
    private String unit;
    private Map<String, String> attrs = Map.of();
    private String source;

    private Builder(EventName name, String host) {
      this.name = name;
      this.host = host;
    }

    /** Sets the interval, both ends in nanoseconds since the Unix epoch. */
    public Builder interval(long startEpochNanos, long endEpochNanos) {
      this.startEpochNanos = startEpochNanos;
      this.endEpochNanos = endEpochNanos;
      return this;
    }

    /** Sets an instant, in nanoseconds since the Unix epoch. */
    public Builder at(long epochNanos) {
      return interval(epochNanos, epochNanos);
    }

    /** Sets the host-namespace pid and tid ({@link #UNKNOWN_PID} when unknown). */
    public Builder task(int pid, int tid, String comm) {
      this.pid = pid;
      this.tid = tid;
      this.comm = comm;
      return this;
    }

    /** Sets the cgroup id (0 when unknown) and path (null when unknown). */
    public Builder cgroup(long cgroupId, String cgroupPath) {
      this.cgroupId = cgroupId;
      this.cgroupPath = cgroupPath;
      return this;
    }

    /** Sets the container id and pod uid (each may be null). */
    public Builder container(String containerId, String podUid) {
      this.containerId = containerId;
      this.podUid = podUid;
      return this;
    }

    /** Sets the 5-tuple (saddr/sport as local) and socket cookie (0 when unknown). */
    public Builder flow(FlowKey flow, long skCookie) {
      this.flow = flow;
      this.skCookie = skCookie;
      return this;
    }

    /** Sets the device name. */
    public Builder dev(String dev) {
      this.dev = dev;
      return this;
    }

    /** Sets the value and its unit. */
    public Builder value(double value, String unit) {
      this.value = value;
      this.unit = unit;
      return this;
    }

    /** Sets the other attributes; the map is copied. */
    public Builder attrs(Map<String, String> attrs) {
      this.attrs = Map.copyOf(attrs);
      return this;
    }

    /** Sets the producer and probe. */
    public Builder source(String source) {
      this.source = source;
      return this;
    }

    /**
     * Builds the event.
     *
     * @throws IllegalArgumentException if the interval is inverted
     * @throws NullPointerException if name or host is null
     */
    public KernelEvent build() {
      return new KernelEvent(
          name,
          startEpochNanos,
          endEpochNanos,
          host,
          pid,
          tid,
          comm,
          cgroupId,
          cgroupPath,
          containerId,
          podUid,
          flow,
          skCookie,
          dev,
          value,
          unit,
          attrs,
          source);
    }
  }
}
