package io.isostack.model;

import java.util.Locale;
import java.util.Objects;

/**
 * One side of a socket: a normalised textual IP address and a port.
 *
 * <p>Addresses are normalised so that the same socket side compares equal whatever produced it:
 * lower case, IPv4-mapped IPv6 ({@code ::ffff:10.0.0.1}) reduced to IPv4, surrounding brackets
 * removed. Host names are kept as given (lower case): they only ever match host names.
 *
 * @param address the normalised address, never blank
 * @param port the port in host byte order, 0..65535; 0 means unknown
 */
public record Endpoint(String address, int port) {

  /** Validates and normalises; throws {@link IllegalArgumentException} naming the bad field. */
  public Endpoint {
    Objects.requireNonNull(address, "address");
    address = normalise(address);
    if (address.isEmpty()) {
      throw new IllegalArgumentException("address is blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range 0..65535: " + port);
    }
  }

  /**
   * Normalises an address text as described on the type.
   *
   * @param address an address as any producer prints it
   * @return the normalised form
   */
  public static String normalise(String address) {
    String a = address.trim();
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    a = a.toLowerCase(Locale.ROOT);
    if (a.startsWith("::ffff:") && a.indexOf('.') > 0) {
      a = a.substring("::ffff:".length());
    }
    return a;
  }

  /** Whether the port is known (non-zero). */
  public boolean hasPort() {
    return port != 0;
  }

  @Override
  public String toString() {
    return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
  }
}
