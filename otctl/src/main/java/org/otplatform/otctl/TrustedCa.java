package org.otplatform.otctl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The platform CA a context trusts ({@code --ca}): its PEM certificates become the only trust
 * anchors of that context's HTTPS and WSS connections. Host names are verified as always.
 */
final class TrustedCa {
  private TrustedCa() {}

  /** The certificates of {@code file}, checked now so that a wrong file is named at login. */
  static SSLContext sslContext(Path file) {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(file)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new Exit.Failure(Exit.USAGE, "--ca: cannot read " + file + ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new Exit.Failure(Exit.USAGE, "--ca: " + file + " holds no PEM certificate: " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new Exit.Failure(Exit.USAGE, "--ca: " + file + " holds no PEM certificate");
    }
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      int i = 0;
      for (Certificate c : certificates) {
        anchors.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(anchors);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      return tls;
    } catch (GeneralSecurityException | IOException e) {
      throw new Exit.Failure(Exit.USAGE, "--ca: " + file + ": " + e.getMessage());
    }
  }
}
