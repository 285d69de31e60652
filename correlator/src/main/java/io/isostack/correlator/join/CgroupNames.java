package io.isostack.correlator.join;

/**
 * Derives container ids and pod uids from cgroup paths, following the container runtimes' naming
 * conventions (docs/formats/07-correlation-keys.md): systemd driver {@code
 * .../kubepods-burstable-pod<uid_with_underscores>.slice/cri-containerd-<64hex>.scope}, cgroupfs
 * driver {@code /kubepods/burstable/pod<uid>/<64hex>}, Docker {@code
 * /system.slice/docker-<64hex>.scope} or {@code /docker/<64hex>}, and the OCI runtimes' own: crun
 * and runc with the cgroupfs driver {@code /<id>} (when the config gives no {@code cgroupsPath}),
 * with the systemd driver {@code /system.slice/crun-<id>.scope} ({@code runc-<id>.scope}), crun
 * adding a {@code container} sub-cgroup on cgroup v2. Stateless and thread-safe.
 */
public final class CgroupNames {
  private static final String[] RUNTIME_PREFIXES = {
    "cri-containerd-", "crio-", "docker-", "containerd-", "libpod-", "cri-o-", "crun-", "runc-"
  };

  /** The cgroup v2 root's id: its kernfs node id. */
  private static final long ROOT_ID = 1;

  private CgroupNames() {}

  /**
   * The container id in a cgroup path: of its deepest element that names one, since a runtime may
   * put the container's processes in a sub-cgroup of the container's own (crun's systemd driver on
   * cgroup v2: {@code .../crun-<64hex>.scope/container}; podman: {@code
   * .../libpod-<64hex>.scope/container}; a systemd inside a container: {@code
   * .../docker-<64hex>.scope/init.scope}).
   *
   * @param path a cgroup path, may be null
   * @return the 64-hex container id, or null when no element of the path is one
   */
  public static String containerId(String path) {
    if (path == null || path.isEmpty()) {
      return null;
    }
    int end = path.length();
    while (end > 0) {
      int slash = path.lastIndexOf('/', end - 1);
      String id = elementId(path.substring(slash + 1, end));
      if (id != null) {
        return id;
      }
      end = Math.max(slash, 0);
    }
    return null;
  }

  /** The container id one path element names ({@code [runtime-]<64hex>[.scope]}), or null. */
  private static String elementId(String element) {
    String leaf = element;
    if (leaf.endsWith(".scope")) {
      leaf = leaf.substring(0, leaf.length() - ".scope".length());
    }
    for (String prefix : RUNTIME_PREFIXES) {
      if (leaf.startsWith(prefix)) {
        leaf = leaf.substring(prefix.length());
        break;
      }
    }
    return isHex64(leaf) ? leaf : null;
  }

  /**
   * The pod uid in a cgroup path.
   *
   * @param path a cgroup path, may be null
   * @return the pod uid with dashes (systemd's underscores replaced), or null when there is none
   */
  public static String podUid(String path) {
    if (path == null) {
      return null;
    }
    for (String element : path.split("/")) {
      int at = element.lastIndexOf("pod");
      if (at < 0) {
        continue;
      }
      String uid = element.substring(at + 3);
      if (uid.endsWith(".slice")) {
        uid = uid.substring(0, uid.length() - ".slice".length());
      }
      uid = uid.replace('_', '-');
      if (uid.length() == 36 && uid.charAt(8) == '-' && uid.charAt(13) == '-') {
        return uid;
      }
    }
    return null;
  }

  /**
   * The key under which a container id is indexed: its first 12 characters in lower case, the short
   * form runtimes print, so that an abbreviated {@code container.id} (the semantic conventions
   * allow it) still joins.
   *
   * @param containerId a full or abbreviated container id, optionally with a {@code runtime://}
   *     prefix
   * @return the key, or null when the id is too short to be trusted (under 12 characters)
   */
  public static String containerKey(String containerId) {
    if (containerId == null) {
      return null;
    }
    String id = containerId;
    int scheme = id.indexOf("://");
    if (scheme >= 0) {
      id = id.substring(scheme + 3);
    }
    return id.length() < 12 ? null : id.substring(0, 12).toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Whether a cgroup is the hierarchy's root, which holds every task not placed elsewhere: the
   * whole host, not a container, so it is no join key (a join through it would give every span on
   * the host every other process's events). The root is path {@code /} in every hierarchy and id 1
   * in cgroup v2, where the root's kernfs node id is 1 (on a cgroup-v1 host every task reports it).
   *
   * @param path a cgroup path, may be null
   * @return true for {@code /} or an empty path
   */
  public static boolean isRoot(String path) {
    return path != null && (path.isEmpty() || path.equals("/"));
  }

  /**
   * Whether a cgroup v2 id is the root's (1); see {@link #isRoot(String)}.
   *
   * @param id a cgroup id, 0 when unknown
   * @return true for 1
   */
  public static boolean isRootId(long id) {
    return id == ROOT_ID;
  }

  private static boolean isHex64(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
