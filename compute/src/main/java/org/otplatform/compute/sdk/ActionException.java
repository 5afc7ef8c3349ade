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

  public String code() {
    return code;
  }
}
