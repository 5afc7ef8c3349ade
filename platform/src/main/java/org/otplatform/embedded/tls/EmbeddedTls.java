package org.otplatform.embedded.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.otplatform.compute.contract.PeerNames;

/**
 * The embedded mode's certificates: a platform CA kept in {@code dir} (made on first use), one
 * certificate for the platform's processes on this machine ({@code embedded}: localhost,
 * 127.0.0.1) and one for the compute processes the LSS starts ({@code compute}, no platform
 * identity), each issued again when it has less than a month left. What {@code OT_TLS_*} and
 * {@code OT_LSS_COMPUTE_TLS_*} then point at.
 */
public final class EmbeddedTls {
  static final List<String> NAMES = List.of("localhost", "127.0.0.1");
  /** The name of the platform's own certificate: every service of the embedded platform holds it. */
  public static final String PLATFORM = "embedded";
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration VALIDITY = Duration.ofDays(365);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private EmbeddedTls() {}

  /** The CA and this machine's certificate under {@code dir}; yields the {@code OT_TLS_*} settings. */
  public static Map<String, String> prepare(Path dir) throws IOException {
    Path caCert = dir.resolve("ca.crt");
    Path caKey = dir.resolve("ca.key");
    CertificateAuthority ca;
    if (Files.exists(caCert) && Files.exists(caKey)) {
      ca = CertificateAuthority.load(caCert, caKey);
    } else {
      ca = CertificateAuthority.create("OT Platform embedded CA", CA_VALIDITY);
      ca.write(dir);
    }
    for (String name : List.of(PLATFORM, PeerNames.COMPUTE)) {
      Path own = dir.resolve(name);
      if (!valid(own.resolve("tls.crt"))) {
        ca.issue(name, NAMES, VALIDITY).write(own, ca.certificate());
      }
    }
    return settings(dir);
  }

  /** The {@code OT_TLS_*} settings for the files {@link #prepare} keeps under {@code dir}. */
  public static Map<String, String> settings(Path dir) {
    Path own = dir.resolve(PLATFORM);
    Path compute = dir.resolve(PeerNames.COMPUTE);
    return Map.of("OT_TLS_CERT", own.resolve("tls.crt").toString(), "OT_TLS_KEY", own.resolve("tls.key").toString(),
        "OT_TLS_CA", dir.resolve("ca.crt").toString(),
        "OT_LSS_COMPUTE_TLS_CERT", compute.resolve("tls.crt").toString(),
        "OT_LSS_COMPUTE_TLS_KEY", compute.resolve("tls.key").toString());
  }

  private static boolean valid(Path cert) throws IOException {
    if (!Files.exists(cert)) {
      return false;
    }
    try (var in = Files.newInputStream(cert)) {
      X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return c.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE));
    } catch (CertificateException e) {
      return false;
    }
  }
}
