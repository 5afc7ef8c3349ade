package org.otplatform.gss.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.http.Responses;
import org.otplatform.gss.session.Session;
import org.otplatform.gss.session.SessionView;
import org.otplatform.gss.store.SessionFilter;

/** {@code /api/v1/sessions}: a user's sessions — open, list, get, close. */
public final class SessionsApi {
  /** A user's list shows their newest sessions, at most this many. */
  private static final int LIST_LIMIT = 100;
  private final GssParts parts;

  public SessionsApi(GssParts parts) {
    this.parts = parts;
  }

  public Future<JsonObject> open(RoutingContext ctx) {
    JsonObject body = Responses.body(ctx);
    String project = Responses.requiredString(body, "project");
    Object type = body.getValue("type");
    if (type != null && !(type instanceof String)) {
      throw ApiException.badRequest("field 'type' must be a string");
    }
    Object profile = body.getValue("profile");
    if (profile != null && !(profile instanceof String)) {
      throw ApiException.badRequest("field 'profile' must be a string");
    }
    return parts.admission().open(BearerAuth.principal(ctx), project, (String) type, (String) profile)
        .onSuccess(s -> org.otplatform.common.tracing.Traces.tagSession(s.id()))
        .compose(this::viewWithPlace);
  }

  /** {@code ?scope=own} (default): the caller's sessions; {@code visible}: also those shared with them. */
  public Future<JsonObject> list(RoutingContext ctx) {
    var caller = BearerAuth.principal(ctx);
    String scope = ctx.queryParams().get("scope");
    Future<List<Session>> found = "visible".equals(scope)
        ? parts.access().visibleTo(caller, LIST_LIMIT)
        : parts.store().find(SessionFilter.ownedBy(caller.userId()), LIST_LIMIT);
    return found.map(sessions -> new JsonObject().put("sessions",
        new JsonArray(sessions.stream().map(SessionView::of).toList())));
  }

  /** The session as the caller sees it, with {@code access}: what they may do with it. */
  public Future<JsonObject> get(RoutingContext ctx) {
    return parts.access().withRole(BearerAuth.principal(ctx), ctx.pathParam("id"), "viewer")
        .compose(a -> viewWithPlace(a.session()).map(view -> view.put("access", a.role())));
  }

  /** Asks the LSS to close the session; closing a closed or failed session changes nothing. */
  public Future<JsonObject> close(RoutingContext ctx) {
    var caller = BearerAuth.principal(ctx);
    return parts.access().closable(caller, ctx.pathParam("id"))
        .compose(s -> parts.lifecycle().close(s.id(), "closed by user", caller.username(), caller.isAdmin()))
        .map(SessionView::of);
  }

  /** The view, and for a session waiting in the queue its place there. */
  private Future<JsonObject> viewWithPlace(Session session) {
    if (!session.isQueued()) {
      return Future.succeededFuture(SessionView.of(session));
    }
    return parts.queue().place(session).map(place -> SessionView.of(session).put("queue", place));
  }
}
