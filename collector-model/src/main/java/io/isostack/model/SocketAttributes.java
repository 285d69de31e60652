package io.isostack.model;

import java.util.Locale;

/**
 * A span's socket attributes under the current OpenTelemetry semantic-convention names, filled from
 * either the current or the older ({@code net.*}) names (docs/METHOD.md §5,
 * docs/formats/05-otlp.md).
 *
 * <p>Ports are 0 and texts null when unknown. Addresses are normalised as by {@link
 * Endpoint#normalise}. Immutable.
 *
 * @param peerAddress {@code network.peer.address}: the actual socket peer
 * @param peerPort {@code network.peer.port}
 * @param localAddress {@code network.local.address}
 * @param localPort {@code network.local.port}
 * @param serverAddress {@code server.address}: the logical server, may be a DNS name
 * @param serverPort {@code server.port}
 * @param clientAddress {@code client.address} (server spans)
 * @param clientPort {@code client.port} (server spans)
 * @param transport {@code network.transport}: {@code tcp}, {@code udp}...
 * @param networkType {@code network.type}: {@code ipv4} or {@code ipv6}
 */
public record SocketAttributes(
    String peerAddress,
    int peerPort,
    String localAddress,
    int localPort,
    String serverAddress,
    int serverPort,
    String clientAddress,
    int clientPort,
    String transport,
    String networkType) {

  /** No socket attributes at all. */
  public static final SocketAttributes EMPTY =
      new SocketAttributes(null, 0, null, 0, null, 0, null, 0, null, null);

  /**
   * The remote side of the span's socket: {@code network.peer.*}, else the logical peer ({@code
   * server.*} for client spans, {@code client.*} for server spans).
   *
   * @param kind the span's kind
   * @return the remote endpoint, or null when no address is known
   */
  public Endpoint remote(SpanKind kind) {
    boolean server = kind == SpanKind.SERVER || kind == SpanKind.CONSUMER;
    int logicalPort = server ? clientPort : serverPort;
    if (peerAddress != null) {
      return new Endpoint(peerAddress, peerPort != 0 ? peerPort : logicalPort);
    }
    String logical = server ? clientAddress : serverAddress;
    return logical == null ? null : new Endpoint(logical, logicalPort);
  }

  /**
   * The span's own side of the socket: {@code network.local.*}; for server spans the listening
   * {@code server.*} fills what is missing.
   *
   * @param kind the span's kind
   * @return the local endpoint, or null when no address is known
   */
  public Endpoint local(SpanKind kind) {
    boolean server = kind == SpanKind.SERVER || kind == SpanKind.CONSUMER;
    String address = localAddress != null ? localAddress : server ? serverAddress : null;
    int port = localPort != 0 ? localPort : server ? serverPort : 0;
    return address == null ? null : new Endpoint(address, port);
  }

  /** Whether any socket attribute is known. */
  public boolean isEmpty() {
    return this.equals(EMPTY);
  }

  /** A builder that takes attributes one by one; current names win over older ones. */
  public static Builder builder(SpanKind kind) {
    return new Builder(kind);
  }

  /** Collects socket attributes of one span; not thread-safe. */
  public static final class Builder {
    private final boolean serverSide;
    private final String[] current = new String[10];
    private final String[] legacy = new String[10];

    private Builder(SpanKind kind) {
      this.serverSide = kind == SpanKind.SERVER || kind == SpanKind.CONSUMER;
    }

    /**
     * Offers one span or resource attribute.
     *
     * @param key the attribute name
     * @param value its value as text (ports as decimal text)
     * @return whether the key is a socket attribute this builder keeps
     */
    public boolean set(String key, String value) {
      if (value == null || value.isEmpty()) {
        return false;
      }
      switch (key) {
        case "network.peer.address" -> current[0] = value;
        case "network.peer.port" -> current[1] = value;
        case "network.local.address" -> current[2] = value;
        case "network.local.port" -> current[3] = value;
        case "server.address" -> current[4] = value;
        case "server.port" -> current[5] = value;
        case "client.address" -> current[6] = value;
        case "client.port" -> current[7] = value;
        case "network.transport" -> current[8] = value;
        case "network.type" -> current[9] = value;
        case "net.peer.ip", "net.sock.peer.addr" -> legacy[0] = value;
        case "net.sock.peer.port" -> legacy[1] = value;
        case "net.host.ip", "net.sock.host.addr" -> legacy[2] = value;
        case "net.sock.host.port" -> legacy[3] = value;
        case "net.peer.name" -> legacy[serverSide ? 6 : 4] = value;
        case "net.peer.port" -> {
          legacy[serverSide ? 7 : 5] = value;
          if (legacy[1] == null) {
            legacy[1] = value;
          }
        }
        case "net.host.name" -> legacy[4] = value;
        case "net.host.port" -> {
          legacy[5] = value;
          if (serverSide && legacy[3] == null) {
            legacy[3] = value;
          }
        }
        case "net.transport" -> legacy[8] = value;
        case "net.sock.family" -> legacy[9] = value;
        default -> {
          return false;
        }
      }
      return true;
    }

    /**
     * Builds the attributes.
     *
     * @throws IllegalArgumentException if a port is not an integer in 0..65535 (the message names
     *     the attribute)
     */
    public SocketAttributes build() {
      return new SocketAttributes(
          address(0),
          port(1, "network.peer.port"),
          address(2),
          port(3, "network.local.port"),
          address(4),
          port(5, "server.port"),
          address(6),
          port(7, "client.port"),
          transport(pick(8)),
          networkType(pick(9)));
    }

    private String pick(int i) {
      return current[i] != null ? current[i] : legacy[i];
    }

    private String address(int i) {
      String v = pick(i);
      return v == null ? null : Endpoint.normalise(v);
    }

    private int port(int i, String name) {
      String v = pick(i);
      if (v == null) {
        return 0;
      }
      try {
        int p = Integer.parseInt(v.trim());
        if (p < 0 || p > 65535) {
          throw new IllegalArgumentException(name + " out of range 0..65535: " + v);
        }
        return p;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " is not an integer: '" + v + "'", e);
      }
    }

    private static String transport(String v) {
      if (v == null) {
        return null;
      }
      String t = v.toLowerCase(Locale.ROOT);
      return t.startsWith("ip_") ? t.substring(3) : t;
    }

    private static String networkType(String v) {
      if (v == null) {
        return null;
      }
      return switch (v.toLowerCase(Locale.ROOT)) {
        case "inet", "ipv4" -> "ipv4";
        case "inet6", "ipv6" -> "ipv6";
        default -> v.toLowerCase(Locale.ROOT);
      };
    }
  }
}
