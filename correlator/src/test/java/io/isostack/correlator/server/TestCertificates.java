package io.isostack.correlator.server;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A test PKI made in the test (BouncyCastle): a CA, a server certificate for {@code localhost} and
 * {@code 127.0.0.1}, and a client certificate, all EC P-256, written as PEM files (keys as PKCS#8)
 * and usable as JDK TLS contexts.
 */
final class TestCertificates {
  final Path dir;
  final KeyPair caKey;
  final X509Certificate ca;
  final Path caPem;
  final Path serverCert;
  final Path serverKey;
  final Path clientCert;
  final Path clientKey;
  final KeyPair clientPair;
  final X509Certificate client;

  TestCertificates(Path dir) throws IOException, GeneralSecurityException {
    this.dir = dir;
    caKey = keyPair();
    ca = sign("CN=isostack test CA", caKey, "CN=isostack test CA", caKey, true, false);
    caPem = write("ca.pem", ca);
    KeyPair serverPair = keyPair();
    X509Certificate server =
        sign("CN=localhost", serverPair, "CN=isostack test CA", caKey, false, true);
    serverCert = write("server.pem", server);
    serverKey = writeKey("server-key.pem", serverPair);
    clientPair = keyPair();
    client = sign("CN=test client", clientPair, "CN=isostack test CA", caKey, false, false);
    clientCert = write("client.pem", client);
    clientKey = writeKey("client-key.pem", clientPair);
  }

  /** A new server certificate (another serial number) over the same paths, as a renewal would. */
  X509Certificate renewServer() throws IOException, GeneralSecurityException {
    KeyPair pair = keyPair();
    X509Certificate renewed = sign("CN=localhost", pair, "CN=isostack test CA", caKey, false, true);
    Path cert = write("server.pem.new", renewed);
    Path key = writeKey("server-key.pem.new", pair);
    Files.move(key, serverKey, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(cert, serverCert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return renewed;
  }

  /** A client context trusting the CA, presenting the client certificate when {@code mutual}. */
  SSLContext clientContext(boolean mutual) throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (mutual) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "client", clientPair.getPrivate(), new char[0], new X509Certificate[] {client, ca});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
    }
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return c;
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static X509Certificate sign(
      String subject,
      KeyPair subjectKey,
      String issuer,
      KeyPair issuerKey,
      boolean isCa,
      boolean server)
      throws GeneralSecurityException, IOException {
    Instant now = Instant.now();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            new X500Name(issuer),
            new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(Duration.ofDays(1))),
            new X500Name(subject),
            subjectKey.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (isCa) {
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    }
    if (server) {
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              }));
    }
    try {
      ContentSigner signer =
          new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private Path write(String name, X509Certificate cert) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(cert);
    }
    Path p = dir.resolve(name);
    Files.writeString(p, s.toString(), StandardCharsets.US_ASCII);
    return p;
  }

  private Path writeKey(String name, KeyPair pair) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(new PemObject("PRIVATE KEY", pair.getPrivate().getEncoded())); // PKCS#8
    }
    Path p = dir.resolve(name);
    Files.writeString(p, s.toString(), StandardCharsets.US_ASCII);
    return p;
  }
}
