package org.otplatform.gss.session;

/** A compute service of a session as the LSS reports it. */
public enum ServiceState {
  PENDING, STARTING, READY, FAILED, RESTARTING, STOPPED
}
