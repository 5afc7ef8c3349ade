package org.otplatform.otctl;

/**
 * otctl's exit codes, one per class of failure, so that a script can tell them apart. Every failure
 * is also one line on stderr naming the problem.
 */
public final class Exit {
  /** Done. */
  public static final int OK = 0;
  /** The platform did it, and it failed: a session ended FAILED, a call was answered with an error. */
  public static final int FAILED = 1;
  /** The command line or its input is wrong (picocli's own code for usage errors too). */
  public static final int USAGE = 2;
  /** Not logged in, the login expired for good, a wrong password, or the role does not allow it. */
  public static final int AUTH = 3;
  /** No such session, project, user or context. */
  public static final int NOT_FOUND = 4;
  /** Refused as things stand: the project is open already, a limit is reached, a name is taken. */
  public static final int CONFLICT = 5;
  /** The platform could not be reached, was not ready, or did not answer in time. */
  public static final int UNAVAILABLE = 6;

  private Exit() {}

  /** A failure of a command: its exit code and the one line that says what went wrong. */
  public static final class Failure extends RuntimeException {
    private final int code;
    private final int status;

    public Failure(int code, String message) {
      this(code, 0, message);
    }

    /** A failure answered by the platform with HTTP {@code status}. */
    public Failure(int code, int status, String message) {
      super(message, null, false, false);
      this.code = code;
      this.status = status;
    }

    public int code() {
      return code;
    }

    /** The HTTP status of the platform's answer; 0 when there was none. */
    public int status() {
      return status;
    }
  }

  /** The exit code for an HTTP status of the platform's answer. */
  public static int forStatus(int status) {
    return switch (status) {
      case 400, 413, 414, 415, 422 -> USAGE;
      case 401, 403 -> AUTH;
      case 404, 410 -> NOT_FOUND;
      case 409, 429 -> CONFLICT;
      default -> status >= 500 ? UNAVAILABLE : FAILED;
    };
  }
}
