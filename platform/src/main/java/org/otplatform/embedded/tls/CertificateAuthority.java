package org.otplatform.embedded.tls;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The platform's certificate authority: an EC P-256 CA that issues each service a certificate
 * for both ends of mutual TLS (server and client use), with the names it is reached by. Keys are
 * written as unencrypted PKCS#8 PEM readable only by their owner (what Vert.x and Kafka read).
 */
public final class CertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A certificate and its key. */
  public record Issued(X509Certificate certificate, PrivateKey key) {
    /** Writes {@code tls.crt} (chain: this certificate, then the CA's), {@code tls.key} and {@code ca.crt}. */
    public void write(Path dir, X509Certificate ca) throws IOException {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("tls.crt"), pem("CERTIFICATE", encoded(certificate)) + pem("CERTIFICATE", encoded(ca)));
      writeKey(dir.resolve("tls.key"), key);
      Files.writeString(dir.resolve("ca.crt"), pem("CERTIFICATE", encoded(ca)));
    }
  }

  /** A new CA, valid from now for {@code validity}. */
  public static CertificateAuthority create(String commonName, Duration validity) {
    try {
      KeyPair pair = keyPair();
      X500Name name = new X500Name("CN=" + commonName + ",O=OT Platform");
      Instant now = Instant.now();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
          Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), name, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create a CA: " + e.getMessage(), e);
    }
  }

  /** A CA written earlier by {@link #write}. */
  public static CertificateAuthority load(Path cert, Path key) throws IOException {
    try (Reader c = Files.newBufferedReader(cert); Reader k = Files.newBufferedReader(key);
         PEMParser certs = new PEMParser(c); PEMParser keys = new PEMParser(k)) {
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) certs.readObject());
      Object parsed = keys.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      PrivateKey privateKey = parsed instanceof PEMKeyPair pair ? converter.getKeyPair(pair).getPrivate()
          : converter.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) parsed);
      return new CertificateAuthority(certificate, privateKey);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IOException("not a CA certificate and key: " + cert + ", " + key + " (" + e.getMessage() + ")", e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** An SSL context that trusts this CA's certificates only: for clients of a platform on TLS. */
  public javax.net.ssl.SSLContext trustingContext() throws GeneralSecurityException, IOException {
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ot-platform-ca", certificate);
    javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /** Writes {@code ca.crt} and {@code ca.key}. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("ca.crt"), pem("CERTIFICATE", encoded(certificate)));
    writeKey(dir.resolve("ca.key"), key);
  }

  /** A certificate valid from now for {@code validity}, for the given DNS names and IP addresses. */
  public Issued issue(String commonName, List<String> names, Duration validity) {
    Instant now = Instant.now();
    return issue(commonName, names, now.minusSeconds(60), now.plus(validity));
  }

  /** A certificate valid between the given instants (tests make expired ones this way). */
  public Issued issue(String commonName, List<String> names, Instant notBefore, Instant notAfter) {
    try {
      KeyPair pair = keyPair();
      List<GeneralName> alternatives = new ArrayList<>();
      for (String n : names) {
        alternatives.add(n.matches("[0-9.]+|.*:.*")
            ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(n).getHostAddress())
            : new GeneralName(GeneralName.dNSName, n));
      }
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(notBefore),
          Date.from(notAfter), new X500Name("CN=" + commonName + ",O=OT Platform"), pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(alternatives.toArray(GeneralName[]::new)))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new Issued(sign(builder, key), pair.getPrivate());
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a certificate for " + commonName + ": " + e.getMessage(), e);
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(128, RANDOM);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeKey(Path file, PrivateKey key) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: its own defaults apply.
    }
    Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()));
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
