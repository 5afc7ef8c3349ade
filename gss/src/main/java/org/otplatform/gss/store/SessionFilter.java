package org.otplatform.gss.store;

import java.util.Set;
import org.otplatform.gss.session.SessionState;

/**
 * Which sessions to find; a null field (an empty {@code states}) matches every session.
 *
 * @param owner the owner's user id; {@code ownerName} their user name
 */
public record SessionFilter(Set<SessionState> states, String owner, String ownerName, String project,
    String projectId, String type, String lss) {
  public static final SessionFilter ALL = new SessionFilter(Set.of(), null, null, null, null, null, null);

  public SessionFilter {
    states = Set.copyOf(states);
  }

  public static SessionFilter ownedBy(String userId) {
    return new SessionFilter(Set.of(), userId, null, null, null, null, null);
  }

  /** The project's sessions in one of {@code inStates}. */
  public static SessionFilter ofProject(String projectId, Set<SessionState> inStates) {
    return new SessionFilter(inStates, null, null, null, projectId, null, null);
  }
}
