package org.otplatform.logger.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.http.ApiException;
import org.otplatform.logger.DeadLetterStore;

/** {@code /api/v1/dead-letters}: the records the platform's consumers gave up on; administrators only. */
public final class DeadLettersApi {
  static final int MAX_LIMIT = 500;
  private final DeadLetterStore store;

  public DeadLettersApi(DeadLetterStore store) {
    this.store = store;
  }

  /** Newest first, of one {@code topic} or all, older than {@code before}; {@code next} continues the list. */
  public Future<JsonObject> list(RoutingContext ctx) {
    if (!BearerAuth.principal(ctx).isAdmin()) {
      throw ApiException.forbidden("only an admin may read the dead letters");
    }
    String topic = ctx.queryParams().get("topic");
    Instant before = before(ctx.queryParams().get("before"));
    int limit = limit(ctx.queryParams().get("limit"));
    return store.list(topic, before, limit).compose(letters -> store.count().map(total -> new JsonObject()
        .put("deadLetters", new JsonArray(List.copyOf(letters))).put("total", total)
        .put("next", letters.size() < limit ? null : letters.get(letters.size() - 1).getString("time"))));
  }

  private static Instant before(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("'before' must be an ISO-8601 time such as 2026-12-01T10:00:00Z, got '" + text + "'");
    }
  }

  private static int limit(String text) {
    if (text == null || text.isBlank()) {
      return 100;
    }
    try {
      int n = Integer.parseInt(text);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw ApiException.badRequest("'limit' must be a whole number from 1 to " + MAX_LIMIT + ", got '" + text + "'");
  }
}
