package org.otplatform.common.auth;

import java.time.Instant;
import java.util.Set;

/**
 * Who made a request, from a verified access token.
 *
 * @param userId the token's subject
 * @param username the user's login name
 * @param roles platform roles, e.g. {@code admin}
 * @param token the raw token, to forward when acting for the user
 * @param issuedAt the token's {@code iat} (a revocation applies to tokens issued until then)
 * @param expiresAt the token's {@code exp} (long-lived channels end there)
 */
public record Principal(String userId, String username, Set<String> roles, String token, Instant issuedAt,
    Instant expiresAt) {
  public static final String ADMIN = "admin";

  /** The same caller with the roles AUTH's store holds now (an admin since demoted is no admin). */
  public Principal withRoles(Set<String> current) {
    return new Principal(userId, username, Set.copyOf(current), token, issuedAt, expiresAt);
  }

  public boolean isAdmin() {
    return roles.contains(ADMIN);
  }

  @Override
  public String toString() {
    return "Principal[" + username + " (" + userId + "), roles=" + roles + "]";
  }
}
