package io.isostack.correlator.stream;

import io.isostack.correlator.detect.Trace;
import io.isostack.correlator.join.CgroupNames;
import io.isostack.correlator.join.ProcessDirectory;
import io.isostack.model.EventName;
import io.isostack.model.KernelEvent;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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

  /**
   * The facts of {@code host} a hop takes with it when it visits the host (its peer's side): those
   * of the processes of the hop's adjacent spans that ran there (by {@code process.pid}, or every
   * process of their container or pod), and the host's devices, so that the hop's own host can
   * resolve the peer's cgroup and device as {@code serve} does with every host's facts.
   *
   * @param host the visited host
   * @param trace the hop's trace
   * @param span the slow span
   * @param defaultHost the host of spans without {@code host.name}
   * @param known every fact of the host
   */
  static List<KernelEvent> forVisit(
      String host, Trace trace, SpanView span, String defaultHost, List<KernelEvent> known) {
    Set<Integer> pids = new HashSet<>();
    Set<String> containers = new HashSet<>();
    Set<String> pods = new HashSet<>();
    for (SpanView s : HopRequest.adjacent(trace, span)) {
      if (!host.equals(s.host() != null ? s.host() : defaultHost)) {
        continue;
      }
      boolean containerised = s.containerId() != null || s.podUid() != null;
      if (s.pid() > 0 && !containerised) {
        pids.add(s.pid());
      }
      String c = CgroupNames.containerKey(s.containerId());
      if (c != null) {
        containers.add(c);
      }
      if (s.podUid() != null) {
        pods.add(s.podUid());
      }
    }
    for (KernelEvent e : known) {
      if (e.pid() <= 0) {
        continue;
      }
      String c = CgroupNames.containerKey(ProcessDirectory.containerIdOf(e));
      String pod = e.podUid() != null ? e.podUid() : CgroupNames.podUid(e.cgroupPath());
      if ((c != null && containers.contains(c)) || (pod != null && pods.contains(pod))) {
        pids.add(e.pid());
      }
    }
    String devices = prefix(host) + "d\u0000";
    List<KernelEvent> out = new ArrayList<>();
    for (KernelEvent e : known) {
      String key = key(e);
      if ((e.pid() > 0 && pids.contains(e.pid())) || (key != null && key.startsWith(devices))) {
        out.add(e);
      }
    }
    return out;
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
