package org.otplatform.common.auth;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.otplatform.common.http.ErrorHandler;

/**
 * A route handler that requires a valid access token ({@code Authorization: Bearer ...}) and puts
 * the {@link Principal} on the context. A missing or bad token gets a 401 JSON error.
 */
public final class BearerAuth implements Handler<RoutingContext> {
  private static final String KEY = "ot.principal";
  private final TokenVerifier verifier;

  public BearerAuth(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  /** The principal a previous {@link BearerAuth} put on the context. */
  public static Principal principal(RoutingContext ctx) {
    Principal p = ctx.get(KEY);
    if (p == null) {
      throw new IllegalStateException("route has no BearerAuth handler");
    }
    return p;
  }

  /** Replaces the principal on the context: AUTH puts the caller's current roles there. */
  public static void replace(RoutingContext ctx, Principal current) {
    ctx.put(KEY, current);
  }

  /** The bearer token of a header value, or null. */
  public static String bearer(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.get(KEY) != null) {
      ctx.next(); // checked already, before the body was read
      return;
    }
    String token = bearer(ctx.request().getHeader("Authorization"));
    if (token == null) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ErrorHandler.send(ctx, 401, "unauthorized", "an access token is required (Authorization: Bearer <token>)");
      return;
    }
    verifier.verify(token).onComplete(r -> {
      if (r.succeeded()) {
        ctx.put(KEY, r.result());
        ctx.next();
      } else {
        ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        ErrorHandler.send(ctx, 401, "unauthorized", r.cause().getMessage());
      }
    });
  }
}
