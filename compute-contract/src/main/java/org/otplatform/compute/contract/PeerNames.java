package org.otplatform.compute.contract;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who is at the other end of a mutual-TLS connection: the common name of the certificate's subject
 * ({@code gss}, {@code relay}, {@code compute}, …). The CA vouches that a certificate is the
 * platform's; the name says which part of the platform holds it, so a door can admit the relay but
 * not a compute service, though both hold certificates of the same CA.
 *
 * <p>{@link #VARIABLE} lists the names a process admits at its internal doors; each side has its
 * own default ({@link #PLATFORM} for the platform's services, {@link #RELAY} for a compute
 * service's WebSocket).
 */
public final class PeerNames {
  /** Comma-separated certificate names admitted at this process's internal doors. */
  public static final String VARIABLE = "OT_TLS_PEERS";
  /** The platform's services as the deployments name their certificates, and embedded mode's one certificate. */
  public static final Set<String> PLATFORM = Set.of("gss", "auth", "lss", "relay", "logger", "embedded");
  /** Who may open a compute service's WebSocket: the relay (and embedded mode's certificate, which the relay uses). */
  public static final Set<String> RELAY = Set.of("relay", "embedded");
  /** Who may assign a warm compute instance to a session: an LSS (and embedded mode's certificate). */
  public static final Set<String> ASSIGNERS = Set.of("lss", "embedded");
  /** The name compute services' certificates carry: no platform identity. */
  public static final String COMPUTE = "compute";

  private PeerNames() {}

  /** The names a value of {@link #VARIABLE} lists; {@code fallback} when it is unset or blank. */
  public static Set<String> parse(String value, Set<String> fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** The common name of the leaf certificate of {@code chain}, if it has one. */
  public static Optional<String> of(List<? extends Certificate> chain) {
    if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    try {
      for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
        if ("CN".equalsIgnoreCase(rdn.getType())) {
          return Optional.of(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** Whether {@code chain} (already verified against the CA) names one of {@code admitted}. */
  public static boolean admits(List<? extends Certificate> chain, Set<String> admitted) {
    return of(chain).map(admitted::contains).orElse(false);
  }
}
