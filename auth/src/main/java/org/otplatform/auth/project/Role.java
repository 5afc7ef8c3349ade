package org.otplatform.auth.project;

import java.util.Locale;
import java.util.Optional;

/** What a user may do with a project; each role includes the ones before it. */
public enum Role {
  /** Open sessions of the project and look. */
  VIEWER,
  /** Also change the project's content. */
  EDITOR,
  /** Also rename, delete and grant access. */
  OWNER;

  public boolean includes(Role other) {
    return compareTo(other) >= 0;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
