package org.otplatform.lss.spawn;

import java.util.Locale;

/**
 * A compute service could not be started; {@code exitCode} is null when it never ran, and
 * {@link Cause} says what kind of failure it was (for metrics and operators, never read from the
 * message).
 */
public final class SpawnException extends RuntimeException {
  /** What kind of failure a start was. */
  public enum Cause {
    /** It ran and ended (or crash-looped) before it was ready. */
    EXITED,
    /** Not ready within its start timeout. */
    TIMEOUT,
    /** No node took its pod within the scheduling grace. */
    UNSCHEDULABLE,
    /** Its image could not be pulled within the grace, or is not a valid image. */
    IMAGE,
    /** The cluster's API (or the operating system, for a process) refused to create it. */
    REFUSED,
    /** The catalog's entry cannot run in this mode (no image, no command). */
    INVALID,
    /** The LSS is stopping. */
    STOPPING,
    /** The cluster said it will not run, for another reason (a config error, a failed pod). */
    FAILED;

    /** The metric label: {@code image}, {@code timeout}, … */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Integer exitCode;
  private final Cause cause;

  public SpawnException(String message, Integer exitCode, Cause cause) {
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.cause = cause;
  }

  /** A failure with an exit code is {@link Cause#EXITED}; one without, {@link Cause#FAILED}. */
  public SpawnException(String message, Integer exitCode) {
    this(message, exitCode, exitCode == null ? Cause.FAILED : Cause.EXITED);
  }

  public Integer exitCode() {
    return exitCode;
  }

  public Cause kind() {
    return cause;
  }
}
