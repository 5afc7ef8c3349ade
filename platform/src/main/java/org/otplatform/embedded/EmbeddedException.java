package org.otplatform.embedded;

/** The embedded platform cannot start; carries the exit code to leave with. */
public final class EmbeddedException extends RuntimeException {
  private final int exitCode;

  public EmbeddedException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
