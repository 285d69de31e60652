package io.isostack.correlator.join;

import io.isostack.correlator.detect.Trace;
import io.isostack.model.Endpoint;
import io.isostack.model.FlowKey;
import io.isostack.model.SpanKind;
import io.isostack.model.SpanView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The entity under a slow hop: the keys by which its kernel events are found (docs/METHOD.md §5).
 *
 * <p>A span's {@code process.pid} joins host-pid events only when the span is not containerised:
 * inside a container the pid is in the container's own pid namespace (often 1), and only the
 * container joins. A client span's local port is often known only from its server-side child's peer
 * attributes, so the child fills it in. Not thread-safe.
 */
public final class SpanJoinKeys {
  final String host;
  final Set<EntityKey> keys = new LinkedHashSet<>();
  final Set<EntityKey> processKeys = new LinkedHashSet<>();

  /**
   * Cgroup, container and pod keys of the server-side child of a client span: the peer whose kernel
   * holds the part of the client's time its server span does not cover.
   */
  final Set<EntityKey> peerKeys = new LinkedHashSet<>();

  /** The kernel task name of the span's thread ({@code thread.name} cut to 15 bytes), or null. */
  String threadComm;

  FlowKey flow;
  Endpoint partialEndpoint;
  boolean networked;
  boolean sandbox;

  private SpanJoinKeys(String host) {
    this.host = host;
  }

  /** The host the span ran on: its {@code host.name}, or the default host. */
  public String host() {
    return host;
  }

  /** Cgroup, container and pod keys of the span's own entity, in the order they were found. */
  public Set<EntityKey> keys() {
    return Collections.unmodifiableSet(keys);
  }

  /** Cgroup, container and pod keys of a client span's server-side child (the peer). */
  public Set<EntityKey> peerKeys() {
    return Collections.unmodifiableSet(peerKeys);
  }

  /** The kernel task name of the span's thread ({@code thread.name} cut to 15 bytes), or null. */
  public String threadComm() {
    return threadComm;
  }

  /** Whether the span talks over a socket (a client or server span with network attributes). */
  public boolean networked() {
    return networked;
  }

  /** Whether the span's entity runs in a sandbox (L-4), e.g. gVisor's runsc. */
  public boolean sandbox() {
    return sandbox;
  }

  /**
   * Resolves the join keys of {@code span} in {@code trace} (docs/METHOD.md §5).
   *
   * @param defaultHost the host of a span without {@code host.name}
   * @param directory what is known of processes and cgroups: pid to cgroup, container to pids
   */
  public static SpanJoinKeys resolve(
      Trace trace, SpanView span, String defaultHost, ProcessDirectory directory) {
    SpanJoinKeys h = new SpanJoinKeys(span.host() != null ? span.host() : defaultHost);
    boolean containerised = span.containerId() != null || span.podUid() != null;
    // The identities of the host pids as they were when the span started (a pid may be reused):
    // a container's or pod's pids are those that were in it then.
    long at = span.startEpochNanos();
    if (span.pid() > 0 && !containerised) {
      h.processKeys.add(EntityKey.process(h.host, span.pid()));
    }
    String container = CgroupNames.containerKey(span.containerId());
    if (container != null) {
      h.keys.add(EntityKey.container(container));
      h.processKeys.addAll(directory.processesOfContainer(container, at));
    }
    if (span.podUid() != null) {
      h.keys.add(EntityKey.pod(span.podUid()));
      if (container == null) {
        h.processKeys.addAll(directory.processesOfPod(span.podUid(), at));
      }
    }
    List<String> comms = new ArrayList<>();
    for (EntityKey p : h.processKeys) {
      ProcessDirectory.ProcessInfo info = directory.process(p, at);
      if (info == null) {
        continue; // unknown then
      }
      if (info.comm != null) {
        comms.add(info.comm);
      }
      if (info.cgroupPath != null && !CgroupNames.isRoot(info.cgroupPath)) {
        h.keys.add(EntityKey.cgroup(p.host(), info.cgroupPath));
      }
      if (info.cgroupId != 0 && !CgroupNames.isRootId(info.cgroupId)) {
        h.keys.add(EntityKey.cgroupId(p.host(), info.cgroupId));
      }
      if (info.containerKey != null) {
        h.keys.add(EntityKey.container(info.containerKey));
      }
      if (info.podUid != null) {
        h.keys.add(EntityKey.pod(info.podUid));
      }
    }
    h.keys.addAll(h.processKeys);
    h.sandbox = isSandbox(span.executable()) || comms.stream().anyMatch(SpanJoinKeys::isSandbox);
    h.threadComm = comm(threadName(trace, span));
    h.resolveFlow(trace, span);
    if (span.kind() == SpanKind.CLIENT || span.kind() == SpanKind.PRODUCER) {
      for (SpanView child : trace.children(span)) {
        if (child.kind() == SpanKind.SERVER || child.kind() == SpanKind.CONSUMER) {
          SpanJoinKeys peer = resolve(trace, child, defaultHost, directory);
          for (EntityKey k : peer.keys) {
            if (k.kind() != EntityKey.Kind.PROCESS
                && k.kind() != EntityKey.Kind.FLOW
                && k.kind() != EntityKey.Kind.ENDPOINT
                && !h.keys.contains(k)) {
              h.peerKeys.add(k);
            }
          }
        }
      }
    }
    return h;
  }

  /**
   * The span's {@code thread.name}, else that of its nearest ancestor in the same process (a client
   * call made synchronously from a server span's thread runs on that thread).
   */
  private static String threadName(Trace trace, SpanView span) {
    for (SpanView s = span; s != null; s = trace.parent(s)) {
      if (!s.service().equals(span.service()) || s.pid() != span.pid()) {
        return null;
      }
      if (s.threadName() != null) {
        return s.threadName();
      }
    }
    return null;
  }

  /** A thread name as the kernel shows it: its first 15 bytes (TASK_COMM_LEN is 16). */
  static String comm(String threadName) {
    if (threadName == null) {
      return null;
    }
    byte[] b = threadName.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return b.length <= 15
        ? threadName
        : new String(b, 0, 15, java.nio.charset.StandardCharsets.UTF_8);
  }

  private void resolveFlow(Trace trace, SpanView span) {
    SpanKind kind = span.kind();
    Endpoint local = span.socket().local(kind);
    Endpoint remote = span.socket().remote(kind);
    if ((local == null || !local.hasPort())
        && remote != null
        && (kind == SpanKind.CLIENT || kind == SpanKind.PRODUCER)) {
      for (SpanView child : trace.children(span)) {
        Endpoint childPeer = child.socket().remote(child.kind());
        Endpoint childLocal = child.socket().local(child.kind());
        if (child.kind() == SpanKind.SERVER
            && childPeer != null
            && childPeer.hasPort()
            && (childLocal == null || childLocal.port() == remote.port())) {
          local = childPeer;
          break;
        }
      }
    }
    networked = kind != SpanKind.INTERNAL && (local != null || remote != null);
    if (local != null && remote != null && local.hasPort() && remote.hasPort()) {
      flow = new FlowKey(local, remote, span.socket().transport());
      keys.add(EntityKey.flow(flow));
    } else {
      boolean server = kind == SpanKind.SERVER || kind == SpanKind.CONSUMER;
      Endpoint known = server ? local : remote;
      if (known != null && known.hasPort()) {
        partialEndpoint = known;
        keys.add(EntityKey.endpoint(known));
      }
    }
  }

  /** The socket's own address on this host, when known. */
  public String localAddress() {
    return flow != null ? flow.local().address() : null;
  }

  /**
   * Whether a process or executable name is a sandbox's (gVisor {@code runsc}, its Sentry {@code
   * runsc-sandbox}, Firecracker, Kata, a WebAssembly runtime): its syscalls are served by the
   * sandbox (L-4).
   */
  public static boolean isSandbox(String name) {
    if (name == null) {
      return false;
    }
    String n = name.toLowerCase(Locale.ROOT);
    return n.startsWith("runsc")
        || n.startsWith("firecracker")
        || n.startsWith("kata")
        || n.startsWith("containerd-shim-kata")
        || n.startsWith("wasmtime")
        || n.startsWith("wasmer")
        || n.startsWith("wasmedge")
        || n.startsWith("gvisor");
  }
}
