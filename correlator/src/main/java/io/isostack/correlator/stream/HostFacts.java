package io.isostack.correlator.stream;

import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import java.util.Objects;

/**
 * What a host's events teach the process and interface directories for longer than the event
 * retention: which cgroup, container and pod a pid is in and its task name, its last exec, and
 * which device an address uses and its driver (docs/METHOD.md §5), and which evidence families a
 * producer declared it watches ({@code producer.start}, docs/EVENTS.md "Coverage"). The vertical
 * step replays the host's facts before its windowed events, so that a {@code cgroup.attach} seen
 * once at start-up still joins a span an hour later, as it does in {@code analyze}.
 *
 * <p>One fact per key: the latest event per pid, event name and whether it is the thread-group
 * leader; per device and local address. So the store grows with the processes and devices of a
 * host, not with its event rate. Stateless.
 */
final class HostFacts {
  private HostFacts() {}

  /** The prefix of every fact key of a host. */
  static String prefix(String host) {
    return host + '\u0000';
  }

  /**
   * The fact key of an event.
   *
   * @return the key, or null when the event teaches the directories nothing
   */
  static String key(KernelEvent e) {
    if (e.name() == EventName.PRODUCER_START) {
      String source = e.source() == null ? "" : e.source();
      return prefix(e.host()) + "s\u0000" + source + '\u0000' + e.attr("covers");
    }
    if (e.pid() > 0
        && (e.name() == EventName.PROCESS_EXEC
            || e.name() == EventName.PROCESS_EXIT
            || e.comm() != null
            || e.cgroupPath() != null
            || e.cgroupId() != 0
            || e.containerId() != null
            || e.podUid() != null)) {
      return prefix(e.host())
          + "p\u0000"
          + e.pid()
          + '\u0000'
          + e.name().wire()
          + (e.pid() == e.tid() ? "\u0000leader" : "");
    }
    if (e.dev() != null
        && (e.attr("driver") != null || e.name() == EventName.NET_INTERFACE || e.flow() != null)) {
      String address = e.flow() != null ? e.flow().local().address() : e.attr("saddr");
      return prefix(e.host()) + "d\u0000" + e.dev() + '\u0000' + (address == null ? "" : address);
    }
    return null;
  }

  /** Whether a newer event teaches the same as the one kept (so it need not be written). */
  static boolean same(KernelEvent kept, KernelEvent e) {
    return kept != null
        && kept.name() != EventName.PROCESS_EXEC
        && kept.name() != EventName.PROCESS_EXIT
        && kept.name() != EventName.PRODUCER_START
        && Objects.equals(kept.comm(), e.comm())
        && Objects.equals(kept.cgroupPath(), e.cgroupPath())
        && kept.cgroupId() == e.cgroupId()
        && Objects.equals(kept.containerId(), e.containerId())
        && Objects.equals(kept.podUid(), e.podUid())
        && Objects.equals(kept.attr("driver"), e.attr("driver"));
  }
}
