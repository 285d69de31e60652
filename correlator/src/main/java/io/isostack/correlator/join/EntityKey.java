package io.isostack.correlator.join;

import io.isostack.model.FlowKey;
import java.util.Objects;

/**
 * A key under which kernel events are indexed and by which a slow hop looks them up: the join keys
 * of docs/METHOD.md §5.
 *
 * @param kind what the key identifies
 * @param host the node, or null for keys that are global (containers, pods, flows)
 * @param id the identifier within the host: a pid, a cgroup path or id, a container key, a pod uid,
 *     a canonical 5-tuple, an endpoint, or the empty string for the host itself
 */
public record EntityKey(Kind kind, String host, Object id) {

  /** What an {@link EntityKey} identifies. */
  public enum Kind {
    /** A process (thread-group id) in the host pid namespace. */
    PROCESS,
    /** A cgroup by path. */
    CGROUP,
    /** A cgroup by v2 id. */
    CGROUP_ID,
    /** A container by the first 12 characters of its id. */
    CONTAINER,
    /** A pod by uid. */
    POD,
    /** A connection by its orientation-free 5-tuple. */
    FLOW,
    /** One side of connections: address and port. */
    ENDPOINT,
    /** The node itself: device-level and host-wide events. */
    HOST
  }

  /**
   * Written out rather than the record's generated one, which goes through method handles that C1
   * (the launcher's compiler for {@code analyze}) does not inline: a key is hashed per event.
   * Deterministic: the kind counts by its ordinal, not its identity hash.
   */
  @Override
  public int hashCode() {
    return (kind.ordinal() * 31 + Objects.hashCode(host)) * 31 + Objects.hashCode(id);
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || o instanceof EntityKey k
            && kind == k.kind
            && Objects.equals(host, k.host)
            && Objects.equals(id, k.id);
  }

  static EntityKey process(String host, int pid) {
    return new EntityKey(Kind.PROCESS, host, pid);
  }

  static EntityKey cgroup(String host, String path) {
    return new EntityKey(Kind.CGROUP, host, path);
  }

  static EntityKey cgroupId(String host, long id) {
    return new EntityKey(Kind.CGROUP_ID, host, id);
  }

  static EntityKey container(String key) {
    return new EntityKey(Kind.CONTAINER, null, key);
  }

  static EntityKey pod(String uid) {
    return new EntityKey(Kind.POD, null, uid);
  }

  static EntityKey flow(FlowKey flow) {
    return new EntityKey(Kind.FLOW, null, flow.canonical());
  }

  static EntityKey endpoint(io.isostack.model.Endpoint endpoint) {
    return new EntityKey(Kind.ENDPOINT, null, endpoint);
  }

  /** The key of host-wide events of {@code host} (block devices, NICs, host logs). */
  public static EntityKey host(String host) {
    return new EntityKey(Kind.HOST, host, "");
  }
}
