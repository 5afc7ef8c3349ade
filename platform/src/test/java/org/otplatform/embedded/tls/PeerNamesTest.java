package org.otplatform.embedded.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.otplatform.common.config.ConfigException;
import org.otplatform.common.config.Env;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.compute.contract.PeerNames;
import org.otplatform.lss.LssConfig;

/** Certificate names as identities, and the configuration that keeps compute certificates out of the platform's. */
class PeerNamesTest {
  private final CertificateAuthority ca = CertificateAuthority.create("test CA", Duration.ofDays(1));

  @Test
  void theNameIsTheSubjectsCommonNameAndOnlyListedNamesAreAdmitted() {
    var relay = List.of(ca.issue("relay", List.of("localhost"), Duration.ofDays(1)).certificate());
    var compute = List.of(ca.issue("compute", List.of("localhost"), Duration.ofDays(1)).certificate());
    assertEquals(Optional.of("relay"), PeerNames.of(relay));
    assertEquals(Optional.empty(), PeerNames.of(List.of()));
    assertTrue(PeerNames.admits(relay, PeerNames.RELAY));
    assertTrue(PeerNames.admits(relay, PeerNames.PLATFORM));
    assertFalse(PeerNames.admits(compute, PeerNames.PLATFORM), "compute is no platform identity");
    assertFalse(PeerNames.admits(compute, PeerNames.RELAY));
    assertFalse(PeerNames.admits(List.of(), PeerNames.PLATFORM), "no certificate, no name");
    assertEquals(Set.of("relay", "gss"), PeerNames.parse(" relay, gss ,", Set.of()));
    assertEquals(PeerNames.RELAY, PeerNames.parse("  ", PeerNames.RELAY));
  }

  @Test
  void aPlatformServiceCannotBeToldToAdmitComputeCertificates() throws Exception {
    Map<String, String> env = tlsEnv();
    env.put(PeerNames.VARIABLE, "gss,compute");
    ConfigException e = assertThrows(ConfigException.class, () -> {
      Env vars = new Env(env);
      TlsSettings.from(vars);
      vars.validate();
    });
    assertTrue(e.getMessage().contains("must not admit 'compute'"), e.getMessage());
  }

  @Test
  void aLocalLssOnTlsNeedsACertificateForItsComputeProcesses() throws Exception {
    Map<String, String> env = tlsEnv();
    env.put("OT_LSS_MODE", "local");
    ConfigException e = assertThrows(ConfigException.class, () -> LssConfig.from(new Env(env)));
    assertTrue(e.getMessage().contains("OT_LSS_COMPUTE_TLS_CERT and OT_LSS_COMPUTE_TLS_KEY"), e.getMessage());
    Path compute = Files.createTempDirectory("compute-cert");
    ca.issue("compute", List.of("localhost"), Duration.ofDays(1)).write(compute, ca.certificate());
    env.put("OT_LSS_COMPUTE_TLS_CERT", compute.resolve("tls.crt").toString());
    env.put("OT_LSS_COMPUTE_TLS_KEY", compute.resolve("tls.key").toString());
    assertEquals(compute.resolve("tls.crt"), LssConfig.from(new Env(env)).computeIdentity().cert());
  }

  private Map<String, String> tlsEnv() throws Exception {
    Path dir = Files.createTempDirectory("peer-names");
    ca.issue("lss", List.of("localhost"), Duration.ofDays(1)).write(dir, ca.certificate());
    Map<String, String> env = new HashMap<>();
    env.put("OT_TLS_CERT", dir.resolve("tls.crt").toString());
    env.put("OT_TLS_KEY", dir.resolve("tls.key").toString());
    env.put("OT_TLS_CA", dir.resolve("ca.crt").toString());
    return env;
  }
}
