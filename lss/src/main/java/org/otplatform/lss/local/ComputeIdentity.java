package org.otplatform.lss.local;

import java.nio.file.Path;
import java.util.Map;
import org.otplatform.common.config.Env;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.compute.contract.ComputeContract;

/**
 * The certificate local compute processes serve with ({@code OT_LSS_COMPUTE_TLS_CERT},
 * {@code OT_LSS_COMPUTE_TLS_KEY}): of the platform CA but named {@code compute}, so a compute
 * process — whose code the platform does not vouch for — holds no platform identity and opens no
 * internal door (Kafka, the store, internal routes), while the relay can still check it. Never the
 * LSS's own certificate.
 */
public record ComputeIdentity(Path cert, Path key) {

  /**
   * From the environment: required with HTTP on TLS in local mode (a configuration problem
   * otherwise), null without.
   */
  public static ComputeIdentity from(Env env, TlsSettings tls, boolean local) {
    String cert = env.string("OT_LSS_COMPUTE_TLS_CERT", "");
    String key = env.string("OT_LSS_COMPUTE_TLS_KEY", "");
    if (!tls.https() || !local) {
      return null;
    }
    if (cert.isEmpty() || key.isEmpty()) {
      env.problem("OT_LSS_COMPUTE_TLS_CERT and OT_LSS_COMPUTE_TLS_KEY must name the compute services' certificate "
          + "and key (CN compute) when TLS is on in local mode: compute processes do not get the LSS's own");
      return null;
    }
    for (String file : new String[] {cert, key}) {
      if (!java.nio.file.Files.isReadable(Path.of(file))) {
        env.problem("OT_LSS_COMPUTE_TLS_* names " + file + ", which cannot be read");
      }
    }
    return new ComputeIdentity(Path.of(cert), Path.of(key));
  }

  /** What a compute process gets: this certificate and key, and the platform CA to check the relay's. */
  Map<String, String> environment(TlsSettings tls) {
    return Map.of(ComputeContract.TLS_CERT, cert.toAbsolutePath().toString(), ComputeContract.TLS_KEY,
        key.toAbsolutePath().toString(), ComputeContract.TLS_CA, tls.ca().toAbsolutePath().toString());
  }
}
