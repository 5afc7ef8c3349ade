package org.otplatform.lss.spawn;

/** A compute service could not be started; {@code exitCode} is null when it never ran. */
public final class SpawnException extends RuntimeException {
  private final Integer exitCode;

  public SpawnException(String message, Integer exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public Integer exitCode() {
    return exitCode;
  }
}
