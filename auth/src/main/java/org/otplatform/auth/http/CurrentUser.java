package org.otplatform.auth.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.http.ErrorHandler;

/**
 * After {@link BearerAuth} on AUTH's routes: the caller as AUTH's store holds them now. A deleted or
 * disabled user is refused (401) whatever their still-valid token says, and the principal carries
 * the roles the user has now, so a demoted admin acts as a user at once. Other services learn of
 * such changes through revocations; AUTH, where users are changed, reads its own store.
 */
final class CurrentUser implements Handler<RoutingContext> {
  private final AuthParts parts;

  CurrentUser(AuthParts parts) {
    this.parts = parts;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Principal caller = BearerAuth.principal(ctx);
    parts.users().byId(caller.userId()).onComplete(r -> {
      if (r.failed()) {
        ctx.fail(r.cause());
      } else if (r.result().isEmpty()) {
        ErrorHandler.send(ctx, 401, "unauthorized", "your user no longer exists");
      } else if (r.result().get().disabled()) {
        ErrorHandler.send(ctx, 401, "unauthorized", "your account is disabled");
      } else {
        BearerAuth.replace(ctx, caller.withRoles(r.result().get().roles()));
        ctx.next();
      }
    });
  }
}
