package io.isostack.correlator.receiver;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The host names a receiver answers to, checked against the HTTP {@code Host} header and the gRPC
 * {@code :authority} pseudo-header (DNS rebinding: a page on {@code evil.example} that resolves to
 * 127.0.0.1 sends {@code Host: evil.example}): loopback names ({@code localhost}, {@code
 * 127.0.0.1}, {@code ::1}), the bind address and the {@code --allowed-host} names; any name on a
 * wildcard bind ({@code 0.0.0.0}, {@code ::}) without {@code --allowed-host}. Names compare without
 * port, IPv6 brackets, trailing dot or case. Immutable; thread-safe.
 */
public final class AllowedHosts {
  private final Set<String> hosts = new HashSet<>();
  private final boolean anyHost;

  /**
   * The names allowed on {@code bind}.
   *
   * @param bind the bind address
   * @param security its {@link TransportSecurity#allowedHosts()}
   */
  public AllowedHosts(String bind, TransportSecurity security) {
    hosts.add("localhost");
    hosts.add("127.0.0.1");
    hosts.add("::1");
    for (String h : security.allowedHosts()) {
      hosts.add(normalise(h));
    }
    boolean wildcard = bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]");
    if (!wildcard) {
      hosts.add(normalise(bind));
    }
    anyHost = wildcard && security.allowedHosts().isEmpty();
  }

  /**
   * Whether a request addressed to {@code authority} is served.
   *
   * @param authority a {@code Host} header or {@code :authority} ({@code host[:port]}), or null
   *     when the request has none (HTTP/1.0: no browser's), which passes
   */
  public boolean allows(String authority) {
    return authority == null || anyHost || hosts.contains(hostName(authority));
  }

  /** The host of a {@code Host} header, without port or IPv6 brackets, lowercase. */
  static String hostName(String hostHeader) {
    String h = hostHeader.strip();
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      return normalise(close < 0 ? h.substring(1) : h.substring(1, close));
    }
    int colon = h.indexOf(':');
    if (colon >= 0 && h.indexOf(':', colon + 1) < 0) {
      h = h.substring(0, colon);
    }
    return normalise(h);
  }

  private static String normalise(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  /** {@code s} with control characters replaced by {@code ?}, at most 100 characters. */
  public static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 100; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return b.toString();
  }
}
