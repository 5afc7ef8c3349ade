package org.otplatform.auth;

/** What a username may look like. */
public final class UsernameRules {
  /** 3–32 characters: letters, digits, dot, dash, underscore; starting with a letter. */
  public static final String PATTERN = "[A-Za-z][A-Za-z0-9._-]{2,31}";

  private UsernameRules() {}
}
