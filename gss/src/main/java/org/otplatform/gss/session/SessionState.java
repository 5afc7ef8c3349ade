package org.otplatform.gss.session;

/** The life of a session: OPENING → READY → CLOSING → CLOSED, or FAILED with a reason. */
public enum SessionState {
  OPENING, READY, CLOSING, CLOSED, FAILED;

  public boolean isTerminal() {
    return this == CLOSED || this == FAILED;
  }
}
