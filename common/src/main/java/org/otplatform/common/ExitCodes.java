package org.otplatform.common;

/**
 * Process exit codes shared by every service and the embedded launcher.
 *
 * <p>Kubernetes restarts a crashed container whatever its code, but operators (and the launcher)
 * tell failure classes apart by these values; they follow the BSD {@code sysexits.h} convention.
 */
public final class ExitCodes {
  /** Clean shutdown. */
  public static final int OK = 0;
  /** A command-line tool was called with bad arguments. */
  public static final int USAGE = 64;
  /** A dependency (Kafka, MongoDB, AUTH's keys) could not be reached at start. */
  public static final int DEPENDENCY_UNAVAILABLE = 69;
  /** An unexpected internal error: a bug, or the service crashed after start. */
  public static final int CRASH = 70;
  /** A port could not be bound or a data directory could not be created. */
  public static final int CANNOT_BIND = 73;
  /** A configuration value is missing or invalid. */
  public static final int CONFIG = 78;

  private ExitCodes() {}
}
