package io.isostack.correlator.cli;

import io.isostack.correlator.receiver.TransportSecurity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The transport-security flags of {@code correlator serve} (both receivers) and {@code correlator
 * stream} (its HTTP port) ({@link TransportSecurity}).
 */
final class SecurityOptions {
  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description =
          "Serve the ports (serve: gRPC and HTTP; stream: HTTP) over TLS with this PEM"
              + " certificate chain (with --tls-key);"
              + " re-read when the file changes.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "The PKCS#8 PEM private key of --tls-cert (BEGIN PRIVATE KEY).")
  Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "PEM",
      description =
          "Mutual TLS: clients must present a certificate issued by one of these PEM CA"
              + " certificates.")
  Path clientCa;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "Every request must carry 'Authorization: Bearer TOKEN', TOKEN being this file's"
              + " content (as the Collector's bearertokenauth); re-read when it changes. /healthz"
              + " stays open. Needs TLS unless --bind is loopback or --insecure-token is given.")
  Path tokenFile;

  @Option(
      names = "--allowed-host",
      paramLabel = "NAME",
      description =
          "A Host (HTTP) or :authority (gRPC) name the ports answer to besides localhost,"
              + " loopback addresses and --bind; repeatable. On a wildcard --bind without it, any"
              + " name is answered.")
  List<String> allowedHosts = new ArrayList<>();

  @Option(
      names = "--insecure-token",
      description =
          "Accept --token-file over plaintext on a non-loopback --bind: only on a private"
              + " network, such as a compose network.")
  boolean insecureToken;

  /**
   * The settings.
   *
   * @throws IllegalArgumentException naming the option when flags do not fit together
   */
  TransportSecurity settings() {
    return new TransportSecurity(tlsCert, tlsKey, clientCa, tokenFile, allowedHosts, insecureToken);
  }
}
