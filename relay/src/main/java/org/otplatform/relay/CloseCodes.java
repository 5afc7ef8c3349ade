package org.otplatform.relay;

/**
 * WebSocket close codes the relay uses when it refuses or ends a front end's connection; they
 * mirror HTTP statuses (4000 + status) so a browser, which cannot see the upgrade's status, can
 * tell why.
 */
public final class CloseCodes {
  /** No token, or a token that is invalid or expired. */
  public static final short UNAUTHORIZED = 4401;
  /** The user may not join this session. */
  public static final short FORBIDDEN = 4403;
  /** No such session (or not visible to the user). */
  public static final short NOT_FOUND = 4404;
  /** The session is not READY (opening, closing, closed or failed). */
  public static final short NOT_READY = 4409;
  /** The session ended while connected. */
  public static final short SESSION_ENDED = 4410;
  /** The front end did not read what was sent to it fast enough; its send queue was full. */
  public static final short TOO_SLOW = 4008;
  /** The front end answered no ping for two intervals. */
  public static final short NO_PONG = 4000;
  /** The GSS could not be asked. */
  public static final short UNAVAILABLE = 4503;

  private CloseCodes() {}
}
