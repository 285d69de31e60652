package io.isostack.model;

import java.util.Objects;

/**
 * A normalised network 5-tuple, oriented as seen by one socket: its own side ({@code local}) and
 * the peer ({@code remote}).
 *
 * <p>Kernel events give the socket's own side as {@code saddr/sport} (docs/EVENTS.md); spans give
 * it through {@code network.local.*} and the peer through {@code network.peer.*} or {@code
 * server.*} (docs/formats/07-correlation-keys.md). Loopback traffic is seen from both sockets, so
 * joins use {@link #canonical()}, which is the same for both orientations.
 *
 * @param local the socket's own side
 * @param remote the peer
 * @param transport {@code "tcp"} or {@code "udp"}, or {@code null} when unknown
 */
public record FlowKey(Endpoint local, Endpoint remote, String transport) {

  /** Validates: both endpoints are required. */
  public FlowKey {
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(remote, "remote");
  }

  /** The same flow seen from the peer's socket. */
  public FlowKey reversed() {
    return new FlowKey(remote, local, transport);
  }

  /**
   * An orientation-free key: the flow with its endpoints in a fixed order and the transport
   * dropped, so that events from either socket of a connection map to one key.
   */
  public FlowKey canonical() {
    int c = local.address().compareTo(remote.address());
    boolean swap = c > 0 || (c == 0 && local.port() > remote.port());
    return swap ? new FlowKey(remote, local, null) : new FlowKey(local, remote, null);
  }

  @Override
  public String toString() {
    return local + " -> " + remote + (transport == null ? "" : " " + transport);
  }
}
