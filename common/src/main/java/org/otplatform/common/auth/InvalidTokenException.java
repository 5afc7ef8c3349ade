package org.otplatform.common.auth;

/** A token was missing, malformed, expired, tampered with or signed by an unknown key. */
public class InvalidTokenException extends RuntimeException {
  public InvalidTokenException(String message) {
    super(message, null, false, false);
  }
}
