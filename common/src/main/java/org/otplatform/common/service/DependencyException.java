package org.otplatform.common.service;

/** A service could not reach one of its dependencies at start (exit code 69). */
public final class DependencyException extends RuntimeException {
  public DependencyException(String message, Throwable cause) {
    super(message, cause);
  }
}
