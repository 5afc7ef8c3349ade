package org.otplatform.gss.store;

import java.util.Set;
import org.otplatform.gss.session.SessionState;

/**
 * Which sessions to find; a null field (an empty {@code states}) matches every session.
 *
 * @param owner the owner's user id; {@code ownerName} their user name
 * @param projectIds sessions of any of these projects (empty: of any project)
 */
public record SessionFilter(Set<SessionState> states, String owner, String ownerName, String project,
    String projectId, String type, String lss, Set<String> projectIds) {
  public static final SessionFilter ALL = new SessionFilter(Set.of(), null, null, null, null, null, null);

  public SessionFilter {
    states = Set.copyOf(states);
    projectIds = projectIds == null ? Set.of() : Set.copyOf(projectIds);
  }

  public SessionFilter(Set<SessionState> states, String owner, String ownerName, String project, String projectId,
      String type, String lss) {
    this(states, owner, ownerName, project, projectId, type, lss, Set.of());
  }

  public static SessionFilter ownedBy(String userId) {
    return new SessionFilter(Set.of(), userId, null, null, null, null, null);
  }

  /** The project's sessions in one of {@code inStates}. */
  public static SessionFilter ofProject(String projectId, Set<SessionState> inStates) {
    return new SessionFilter(inStates, null, null, null, projectId, null, null);
  }

  /** Sessions of any of these projects (none: no session). */
  public static SessionFilter inProjects(Set<String> projectIds) {
    return new SessionFilter(Set.of(), null, null, null, null, null, null, projectIds);
  }
}
