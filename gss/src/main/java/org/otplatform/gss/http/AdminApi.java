package org.otplatform.gss.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.events.LssDrainRequested;
import org.otplatform.common.events.Topics;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.tracing.RecentSpans;
import org.otplatform.gss.session.SessionState;
import org.otplatform.gss.session.SessionView;
import org.otplatform.gss.store.SessionFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/v1/admin}: every session, the LSS instances, and draining them; for administrators only. */
public final class AdminApi {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  private final GssParts parts;

  public AdminApi(GssParts parts) {
    this.parts = parts;
  }

  /**
   * Every session matching the filter ({@code state}, {@code owner} user name, {@code project},
   * {@code type}, {@code lss}), newest first.
   */
  public Future<JsonObject> listSessions(RoutingContext ctx) {
    requireAdmin(ctx, "list every session");
    String state = ctx.queryParams().get("state");
    SessionFilter filter = new SessionFilter(state == null ? Set.of() : Set.of(SessionState.valueOf(state)), null,
        ctx.queryParams().get("owner"), ctx.queryParams().get("project"), null, ctx.queryParams().get("type"),
        ctx.queryParams().get("lss"));
    String limit = ctx.queryParams().get("limit");
    return parts.store().find(filter, limit == null ? 100 : Integer.parseInt(limit)).map(sessions -> {
      JsonArray views = new JsonArray(sessions.stream().map(SessionView::forAdmin).toList());
      return new JsonObject().put("sessions", views).put("count", views.size());
    });
  }

  /**
   * The traces of a session still held in this JVM's memory ({@link RecentSpans}), newest last:
   * in embedded mode they span every service; on a cluster only the GSS's own spans are here.
   */
  public Future<JsonObject> sessionTraces(RoutingContext ctx) {
    requireAdmin(ctx, "read traces");
    String id = ctx.pathParam("id");
    JsonArray traces = new JsonArray();
    for (String traceId : RecentSpans.JVM.tracesOf(id)) {
      traces.add(RecentSpans.waterfall(traceId, RecentSpans.JVM.trace(traceId)));
    }
    return Future.succeededFuture(new JsonObject().put("session", id).put("traces", traces));
  }

  public Future<JsonObject> listLss(RoutingContext ctx) {
    requireAdmin(ctx, "list the LSS instances");
    return Future.succeededFuture(parts.registry().view(parts.lifecycle().clock().instant()));
  }

  public Future<JsonObject> drain(RoutingContext ctx) {
    return setDraining(ctx, true);
  }

  public Future<JsonObject> undrain(RoutingContext ctx) {
    return setDraining(ctx, false);
  }

  /** Asks an LSS (through the registry topic) to take no new sessions, or to take them again. */
  private Future<JsonObject> setDraining(RoutingContext ctx, boolean drain) {
    requireAdmin(ctx, "drain LSS instances");
    String id = ctx.pathParam("id");
    if (parts.registry().get(id).isEmpty()) {
      throw ApiException.notFound("no LSS " + id + " has been heard of");
    }
    LOG.info("{} asks LSS {} to {}", BearerAuth.principal(ctx).username(), id,
        drain ? "take no new sessions" : "take new sessions again");
    return parts.events().publish(Topics.REGISTRY, LssDrainRequested.of(id, drain))
        .map(v -> new JsonObject().put("lss", id).put("draining", drain));
  }

  private static void requireAdmin(RoutingContext ctx, String what) {
    if (!BearerAuth.principal(ctx).isAdmin()) {
      throw ApiException.forbidden("only administrators may " + what);
    }
  }
}
