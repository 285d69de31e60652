package io.isostack.correlator.receiver;

import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS key and trust material of both receivers, from PEM files (grpc-java's {@code
 * AdvancedTlsX509KeyManager} and {@code AdvancedTlsX509TrustManager}), read again when a file's
 * modification time or size changed, checked every {@value #RELOAD_SECONDS} s: a renewed
 * certificate is served to new connections without a restart. Files that cannot be read or parsed
 * keep the previous material (logged).
 *
 * <p>Thread-safe; {@link #close()} stops the reloading.
 */
public final class TlsFiles implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TlsFiles.class);

  /** How often the files are checked for changes, in seconds. */
  public static final int RELOAD_SECONDS = 5;

  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final AdvancedTlsX509TrustManager trustManager;
  private final ScheduledExecutorService reloader;
  private final TransportSecurity security;
  private String identityStamp; // on the reloader thread after construction
  private String trustStamp;

  /**
   * Loads the files and starts watching them.
   *
   * @param security the files; {@link TransportSecurity#tls()} must be true
   * @param reloadMillis how often to check the files, in milliseconds
   * @throws IllegalArgumentException naming the option whose file cannot be read or parsed
   */
  public TlsFiles(TransportSecurity security, long reloadMillis) {
    if (!security.tls()) {
      throw new IllegalArgumentException("no --tls-cert");
    }
    reloader =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tls-reload");
              t.setDaemon(true);
              return t;
            });
    this.security = security;
    try {
      keyManager.updateIdentityCredentials(security.tlsCert().toFile(), security.tlsKey().toFile());
      if (security.clientCa() == null) {
        trustManager = null;
      } else {
        trustManager =
            AdvancedTlsX509TrustManager.newBuilder()
                .setVerification(
                    AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
                .build();
        trustManager.updateTrustCredentials(security.clientCa().toFile());
      }
    } catch (IOException | GeneralSecurityException e) {
      reloader.shutdownNow();
      throw new IllegalArgumentException(
          "--tls-cert "
              + security.tlsCert()
              + ", --tls-key "
              + security.tlsKey()
              + (security.clientCa() == null ? "" : ", --tls-client-ca " + security.clientCa())
              + ": "
              + e,
          e);
    }
    identityStamp = stamp(security.tlsCert(), security.tlsKey());
    trustStamp = security.clientCa() == null ? "" : stamp(security.clientCa());
    // grpc-java's own file watching polls at most once a minute; a renewal is seen sooner here.
    reloader.scheduleWithFixedDelay(
        this::reloadIfChanged, reloadMillis, reloadMillis, TimeUnit.MILLISECONDS);
  }

  private void reloadIfChanged() {
    try {
      String identity = stamp(security.tlsCert(), security.tlsKey());
      if (!identity.equals(identityStamp)) {
        keyManager.updateIdentityCredentials(
            security.tlsCert().toFile(), security.tlsKey().toFile());
        identityStamp = identity;
        LOG.info("TLS certificate reloaded from {}", security.tlsCert());
      }
      if (trustManager != null) {
        String trust = stamp(security.clientCa());
        if (!trust.equals(trustStamp)) {
          trustManager.updateTrustCredentials(security.clientCa().toFile());
          trustStamp = trust;
          LOG.info("TLS client CA reloaded from {}", security.clientCa());
        }
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      // A half-written renewal: keep serving the previous material, try again next time.
      LOG.warn("cannot reload the TLS files ({}); keeping the previous ones", e.toString());
    }
  }

  /** The files' modification times and sizes: what changes when a file is renewed. */
  private static String stamp(Path... files) {
    StringBuilder b = new StringBuilder();
    for (Path p : files) {
      try {
        b.append(Files.getLastModifiedTime(p).toMillis()).append('/').append(Files.size(p));
      } catch (IOException e) {
        b.append("missing");
      }
      b.append(';');
    }
    return b.toString();
  }

  /** The server's key manager (certificate chain and key). */
  public AdvancedTlsX509KeyManager keyManager() {
    return keyManager;
  }

  /** The client CA's trust manager, or null without mutual TLS. */
  public AdvancedTlsX509TrustManager trustManager() {
    return trustManager;
  }

  /**
   * A TLS context over these managers for a server that is not gRPC (Jetty).
   *
   * @throws IllegalStateException if the JVM has no TLS
   */
  public SSLContext sslContext() {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(
          new KeyManager[] {keyManager},
          trustManager == null ? null : new TrustManager[] {trustManager},
          null);
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
  }

  @Override
  public void close() {
    reloader.shutdownNow();
  }
}
