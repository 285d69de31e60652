package io.isostack.correlator.rules;

import io.isostack.correlator.join.DeviceKind;
import io.isostack.model.KernelEvent;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The conditions of a rule; every condition that is set must hold. Immutable.
 *
 * @param states allowed {@code attrs.state} values (e.g. {@code R}, {@code D}), or null
 * @param errnos allowed {@code attrs.errno} values by name ({@code EPERM}); numeric errnos of the
 *     common names are understood too, or null
 * @param syscalls allowed {@code attrs.syscall} values, or null
 * @param messages patterns of which one must occur in {@code attrs.message}, case-insensitive;
 *     {@code *} stands for any text, or null
 * @param reasonPrefixes prefixes of which one must start {@code attrs.reason}, case-insensitive, or
 *     null
 * @param sandbox required sandbox context, or null
 * @param cpuQuota required CPU-quota context (throttled), or null
 * @param cpuLimit required CPU-limit context (the cgroup has a CFS quota, throttled or not), or
 *     null
 * @param deviceKinds allowed device kinds, or null
 * @param minValue the event's {@code value} must be at least this, or null
 * @param virtqueueFull required virtqueue context: whether the event's device ({@code dev}) is a
 *     virtio-blk disk whose queue was at its depth during the event's interval; for an event that
 *     names no device (a thread's uninterruptible sleep), whether any virtio-blk disk of the host
 *     was; or null
 */
public record Condition(
    Set<String> states,
    Set<String> errnos,
    Set<String> syscalls,
    List<String> messages,
    List<String> reasonPrefixes,
    Boolean sandbox,
    Boolean cpuQuota,
    Boolean cpuLimit,
    Set<DeviceKind> deviceKinds,
    Double minValue,
    Boolean virtqueueFull) {

  /** A condition that always holds. */
  public static final Condition ALWAYS =
      new Condition(null, null, null, null, null, null, null, null, null, null, null);

  private static final Map<String, String> ERRNO_NAMES =
      Map.of("1", "EPERM", "13", "EACCES", "110", "ETIMEDOUT", "111", "ECONNREFUSED", "4", "EINTR");

  /**
   * Whether the event and context satisfy every condition set.
   *
   * @param e the event
   * @param context the hop's context
   */
  public boolean test(KernelEvent e, RuleContext context) {
    if (states != null && !containsIgnoreCase(states, e.attr("state"))) {
      return false;
    }
    if (errnos != null && !containsIgnoreCase(errnos, errnoName(e.attr("errno")))) {
      return false;
    }
    if (syscalls != null && !containsIgnoreCase(syscalls, e.attr("syscall"))) {
      return false;
    }
    if (messages != null && !anyMatches(messages, e.attr("message"))) {
      return false;
    }
    if (reasonPrefixes != null && !anyPrefix(reasonPrefixes, e.attr("reason"))) {
      return false;
    }
    if (sandbox != null && sandbox != context.sandbox()) {
      return false;
    }
    if (cpuQuota != null && cpuQuota != context.cpuQuota()) {
      return false;
    }
    if (cpuLimit != null && cpuLimit != context.cpuLimit()) {
      return false;
    }
    if (deviceKinds != null && !deviceKinds.contains(context.deviceKind())) {
      return false;
    }
    if (virtqueueFull != null && virtqueueFull != virtqueueFull(e, context.virtqueueFull())) {
      return false;
    }
    return minValue == null || (!Double.isNaN(e.value()) && e.value() >= minValue);
  }

  /** Whether the condition depends on the hop's context (not only on the event). */
  public boolean usesContext() {
    return sandbox != null
        || cpuQuota != null
        || cpuLimit != null
        || deviceKinds != null
        || virtqueueFull != null;
  }

  private static boolean virtqueueFull(KernelEvent e, QueueFullWindows full) {
    return e.dev() != null
        ? full.covers(e.dev(), e.startEpochNanos(), e.endEpochNanos())
        : full.coversAny(e.startEpochNanos(), e.endEpochNanos());
  }

  static String errnoName(String errno) {
    if (errno == null) {
      return null;
    }
    String e = errno.startsWith("-") ? errno.substring(1) : errno;
    return ERRNO_NAMES.getOrDefault(e, e);
  }

  private static boolean containsIgnoreCase(Set<String> set, String value) {
    if (value == null) {
      return false;
    }
    for (String s : set) {
      if (s.equalsIgnoreCase(value)) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyPrefix(List<String> prefixes, String value) {
    if (value == null) {
      return false;
    }
    String v = value.toUpperCase(Locale.ROOT);
    for (String p : prefixes) {
      if (v.startsWith(p.toUpperCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyMatches(List<String> patterns, String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    for (String p : patterns) {
      if (globContains(m, p.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the pieces of {@code pattern} between {@code *} occur in {@code text} in order. */
  private static boolean globContains(String text, String pattern) {
    int from = 0;
    for (String piece : pattern.split("\\*")) {
      if (piece.isEmpty()) {
        continue;
      }
      int at = text.indexOf(piece, from);
      if (at < 0) {
        return false;
      }
      from = at + piece.length();
    }
    return true;
  }
}
