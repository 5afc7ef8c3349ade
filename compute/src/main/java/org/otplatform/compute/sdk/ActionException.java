package org.otplatform.compute.sdk;

/** An action cannot be carried out because of its input; the message goes back to the front end. */
public class ActionException extends RuntimeException {
  private final String code;

  public ActionException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public static ActionException badPayload(String message) {
    return new ActionException("bad_payload", message);
  }

  /**
   * For long actions, called now and then: ends the action when it was cancelled (its time limit
   * passed, or the service stops); the front end gets a {@code cancelled} error.
   */
  public static void throwIfCancelled() {
    if (Thread.currentThread().isInterrupted()) {
      throw new ActionException("cancelled", "the action was cancelled: it ran past its time limit");
    }
  }

  public String code() {
    return code;
  }
}
