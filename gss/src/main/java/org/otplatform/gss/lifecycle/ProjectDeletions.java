package org.otplatform.gss.lifecycle;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionState;
import org.otplatform.gss.store.SessionFilter;
import org.otplatform.gss.store.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GSS's consumer of AUTH's audit topic: a deleted project's open sessions close, since nobody
 * but admins could reach them any more. Read once by the GSS group ({@code gss-projects}).
 */
public final class ProjectDeletions {
  private static final Logger LOG = LoggerFactory.getLogger(ProjectDeletions.class);
  /** At most this many sessions of one project are closed per event (the per-type project limit is far lower). */
  private static final int MAX_SESSIONS = 1000;

  private final SessionStore store;
  private final Lifecycle lifecycle;

  public ProjectDeletions(SessionStore store, Lifecycle lifecycle) {
    this.store = store;
    this.lifecycle = lifecycle;
  }

  /** One audit record: a {@code ProjectDeleted} closes the project's sessions; others are not ours. */
  public Future<Void> onRecord(String value) {
    JsonObject event;
    try {
      event = new JsonObject(value);
    } catch (RuntimeException e) {
      LOG.warn("skipping an audit record that is not JSON: {}", e.getMessage());
      return Future.succeededFuture();
    }
    if (!"ProjectDeleted".equals(event.getString("type")) || event.getString("subject") == null) {
      return Future.succeededFuture();
    }
    return closeSessionsOf(event.getString("subject"), String.valueOf(event.getString("actor")));
  }

  /** Closes the project's OPENING and READY sessions. */
  public Future<Void> closeSessionsOf(String projectId, String by) {
    SessionFilter open = SessionFilter.ofProject(projectId, Set.of(SessionState.OPENING, SessionState.READY));
    return store.find(open, MAX_SESSIONS).compose(sessions -> Future.join(sessions.stream()
            .map(Session::id).map(id -> lifecycle.close(id, "project deleted", by, false)).toList()))
        .onSuccess(v -> LOG.info("closing the open sessions of deleted project {}", projectId))
        .mapEmpty();
  }
}
