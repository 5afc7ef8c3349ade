package org.otplatform.auth;

import java.util.Optional;

/** The password policy: at least 12 characters, at most 256, not all of one kind. */
public final class PasswordPolicy {
  private PasswordPolicy() {}

  /** What is wrong with a password, or empty when it is acceptable. */
  public static Optional<String> problem(String password) {
    if (password == null || password.length() < 12) {
      return Optional.of("a password needs at least 12 characters");
    }
    if (password.length() > 256) {
      return Optional.of("a password may have at most 256 characters");
    }
    if (password.chars().distinct().count() < 5) {
      return Optional.of("a password needs at least 5 different characters");
    }
    return Optional.empty();
  }
}
