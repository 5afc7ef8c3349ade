package org.otplatform.common.auth;

import java.util.Set;

/**
 * Who made a request, from a verified access token.
 *
 * @param userId the token's subject
 * @param username the user's login name
 * @param roles platform roles, e.g. {@code admin}
 * @param token the raw token, to forward when acting for the user
 */
public record Principal(String userId, String username, Set<String> roles, String token) {
  public static final String ADMIN = "admin";

  public boolean isAdmin() {
    return roles.contains(ADMIN);
  }

  @Override
  public String toString() {
    return "Principal[" + username + " (" + userId + "), roles=" + roles + "]";
  }
}
