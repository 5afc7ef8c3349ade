package org.otplatform.logger.http;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.http.ApiException;
import org.otplatform.logger.AuditStore;
import org.otplatform.logger.LogQuery;

/**
 * {@code /api/v1/audit}: who did what, when, from where ({@code address}; {@code source}: the AUTH
 * instance that recorded it) — AUTH's audit events; administrators only.
 * Filters: {@code actor}, {@code action} (e.g. {@code LoginFailed}), {@code subject}, {@code since}
 * and {@code until} (ISO-8601 instants); paged by {@code cursor} and {@code limit}.
 */
public final class AuditApi {
  private final AuditStore store;

  public AuditApi(AuditStore store) {
    this.store = store;
  }

  public Future<JsonObject> list(RoutingContext ctx) {
    if (!BearerAuth.principal(ctx).isAdmin()) {
      throw ApiException.forbidden("only an admin may read the audit trail");
    }
    MultiMap q = ctx.queryParams();
    AuditStore.Filter filter = new AuditStore.Filter(q.get("actor"), q.get("action"), q.get("subject"),
        instant(q, "since"), instant(q, "until"));
    String cursor = q.get("cursor");
    return store.list(filter, cursor == null ? null : LogQuery.Cursor.decode(cursor),
        DeadLettersApi.limit(q.get("limit")));
  }

  private static Instant instant(MultiMap q, String name) {
    String text = q.get(name);
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("'" + name + "' must be an ISO-8601 instant such as 2026-12-02T10:00:00Z, got '"
          + text + "'");
    }
  }
}
