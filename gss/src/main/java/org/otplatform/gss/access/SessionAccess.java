package org.otplatform.gss.access;

import io.vertx.core.Future;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.http.ApiException;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.store.SessionFilter;
import org.otplatform.gss.store.SessionStore;

/**
 * Who may see and act on a session: its owner, any admin, or a user to whom AUTH grants a role on
 * its project. Anyone else gets 404, so other users' sessions are not even confirmed.
 */
public final class SessionAccess {
  private final SessionStore store;
  private final ProjectAccess projects;

  public SessionAccess(SessionStore store, ProjectAccess projects) {
    this.store = store;
    this.projects = projects;
  }

  /**
   * A session with what its caller may do with it: {@code admin}, {@code owner} (theirs), or the
   * role a project grant gives ({@code owner}, {@code editor}, {@code viewer}). Viewers watch; the
   * others may also act (the relay forwards their messages to the compute services).
   */
  public record Access(Session session, String role) {}

  /**
   * The sessions the caller may see, newest first, at most {@code limit}: their own and those of
   * every project AUTH says they may see (granted to them or their groups; an admin's: all).
   */
  public Future<List<Session>> visibleTo(Principal caller, int limit) {
    return projects.visibleProjectIds(caller).compose(ids -> Future.all(
            store.find(SessionFilter.ownedBy(caller.userId()), limit),
            ids.isEmpty() ? Future.succeededFuture(List.<Session>of())
                : store.find(SessionFilter.inProjects(ids), limit))
        .map(both -> {
          Map<String, Session> byId = new LinkedHashMap<>();
          Stream.concat(both.<List<Session>>resultAt(0).stream(),
              both.<List<Session>>resultAt(1).stream()).forEach(s -> byId.putIfAbsent(s.id(), s));
          return byId.values().stream()
              .sorted(Comparator.comparing((Session s) -> s.origin().created()).reversed())
              .limit(limit).toList();
        }));
  }

  /** The session when the caller may see it (404 when not). */
  public Future<Session> visible(Principal caller, String id) {
    return withRole(caller, id, "viewer").map(Access::session);
  }

  /** The session and the caller's role on it when it is at least {@code role} (404 when not). */
  public Future<Access> withRole(Principal caller, String id, String role) {
    ApiException notFound = ApiException.notFound("no session " + id);
    return store.get(id).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(notFound);
      }
      Session session = found.get();
      if (caller.isAdmin()) {
        return Future.succeededFuture(new Access(session, "admin"));
      }
      if (caller.userId().equals(session.origin().owner())) {
        return Future.succeededFuture(new Access(session, "owner"));
      }
      // By the project's id, which a rename keeps (sessions stored before ids were kept go by name).
      String projectId = session.origin().projectId();
      Future<Optional<String>> granted = projectId != null ? projects.roleOnProjectId(projectId, caller, role)
          : projects.roleOn(session.origin().project(), caller, role);
      return granted.compose(r -> r.map(name -> Future.succeededFuture(new Access(session, name)))
          .orElseGet(() -> Future.failedFuture(notFound)));
    });
  }

  /**
   * The session when the caller may close it: its owner, an admin, or an owner of its project. A
   * user who may only see it gets 403; one who may not see it 404.
   */
  public Future<Session> closable(Principal caller, String id) {
    return withRole(caller, id, "owner").map(Access::session)
        .recover(e -> visible(caller, id).compose(seen -> Future.failedFuture(
            ApiException.forbidden("only the session's owner or an owner of its project may close it"))));
  }
}
