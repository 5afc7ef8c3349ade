package org.otplatform.logger.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.http.ApiException;
import org.otplatform.logger.DeadLetterStore;
import org.otplatform.logger.LogQuery;

/** {@code /api/v1/dead-letters}: the records the platform's consumers gave up on; administrators only. */
public final class DeadLettersApi {
  static final int MAX_LIMIT = 500;
  private final DeadLetterStore store;

  public DeadLettersApi(DeadLetterStore store) {
    this.store = store;
  }

  /** Newest first, of one {@code topic} or all; {@code cursor} (a page's {@code next}) continues the list. */
  public Future<JsonObject> list(RoutingContext ctx) {
    if (!BearerAuth.principal(ctx).isAdmin()) {
      throw ApiException.forbidden("only an admin may read the dead letters");
    }
    String cursor = ctx.queryParams().get("cursor");
    return store.list(ctx.queryParams().get("topic"), cursor == null ? null : LogQuery.Cursor.decode(cursor),
        limit(ctx.queryParams().get("limit")));
  }

  static int limit(String text) {
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
