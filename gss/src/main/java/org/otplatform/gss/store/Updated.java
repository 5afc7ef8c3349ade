package org.otplatform.gss.store;

import org.otplatform.gss.session.Session;

/**
 * What an update decided: the session as read ({@code before}) and as stored ({@code after}), the
 * same instance when the rule changed nothing.
 */
public record Updated(Session before, Session after) {
  public boolean changed() {
    return before != after;
  }
}
