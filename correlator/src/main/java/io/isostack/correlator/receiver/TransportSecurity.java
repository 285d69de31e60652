package io.isostack.correlator.receiver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Who may talk to the receivers and how: TLS (a PEM certificate chain and PKCS#8 PEM private key,
 * reloaded when the files change), optional mutual TLS (a PEM CA bundle that client certificates
 * must chain to), a bearer token (a file holding it, as the OpenTelemetry Collector's {@code
 * bearertokenauth} extension; reloaded when it changes) and the {@code Host} names the HTTP port
 * answers to.
 *
 * <p>The rule ({@link #validate}): a token travels in clear without TLS, so a token on an address
 * other than loopback needs TLS, unless {@code insecureToken} says the network is private (a
 * compose network). Immutable; thread-safe.
 *
 * @param tlsCert the server's PEM certificate chain, or null for plaintext
 * @param tlsKey the server's PKCS#8 PEM private key ({@code BEGIN PRIVATE KEY}), with {@code
 *     tlsCert}
 * @param clientCa PEM CA certificates client certificates must chain to (mutual TLS), or null
 * @param tokenFile a file whose content (whitespace stripped) is the bearer token every request
 *     must carry ({@code Authorization: Bearer TOKEN}), or null for no token
 * @param allowedHosts {@code Host} names (without port) the HTTP port answers besides loopback's
 *     and the bind address; empty on a wildcard bind means any
 * @param insecureToken accept a token over plaintext on a non-loopback address
 */
public record TransportSecurity(
    Path tlsCert,
    Path tlsKey,
    Path clientCa,
    Path tokenFile,
    List<String> allowedHosts,
    boolean insecureToken) {

  /** Plaintext, no token, loopback names and the bind address only. */
  public static final TransportSecurity NONE =
      new TransportSecurity(null, null, null, null, List.of(), false);

  /**
   * Validates the combination of files.
   *
   * @throws IllegalArgumentException naming the option ({@code --tls-key} without {@code
   *     --tls-cert}, {@code --tls-client-ca} without TLS)
   */
  public TransportSecurity {
    allowedHosts = List.copyOf(Objects.requireNonNull(allowedHosts, "allowedHosts"));
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if (clientCa != null && tlsCert == null) {
      throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key");
    }
  }

  /** Whether the receivers speak TLS. */
  public boolean tls() {
    return tlsCert != null;
  }

  /**
   * Checks the rule for an address the receivers bind.
   *
   * @param bind the bind address
   * @throws IllegalArgumentException naming {@code --token-file} when a token would travel in clear
   *     over a non-loopback address
   */
  public void validate(String bind) {
    if (tokenFile != null && !tls() && !insecureToken && !isLoopback(bind)) {
      throw new IllegalArgumentException(
          "--token-file on --bind "
              + bind
              + " needs TLS (--tls-cert, --tls-key): the token would travel in clear; pass"
              + " --insecure-token only on a private network (e.g. a compose network)");
    }
  }

  /** Whether an address (literal or name) is a loopback address; false when it cannot be told. */
  public static boolean isLoopback(String address) {
    if (address.equals("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
