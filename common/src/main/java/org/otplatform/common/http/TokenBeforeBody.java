package org.otplatform.common.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.util.Set;
import org.otplatform.common.auth.BearerAuth;

/**
 * For an operation the contract secures, the caller's token is checked before the body is read:
 * without a valid one the request is answered 401 at once, and what it sends is never read or
 * waited for (a client cannot make a service hold its body, nor buffer up to the body limit,
 * without signing in). The route's own {@link BearerAuth} then finds the caller already checked.
 * A security policy handler, so that it runs before the body handler.
 */
final class TokenBeforeBody implements SecurityPolicyHandler {
  private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

  private final OpenAPIContract contract;
  private final Handler<RoutingContext> auth;

  TokenBeforeBody(OpenAPIContract contract, BearerAuth auth) {
    this.contract = contract;
    this.auth = auth;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!WITH_BODY.contains(request.method())) {
      ctx.next();
      return;
    }
    Operation operation = contract.findOperation(request.path(), request.method());
    if (operation == null || operation.getSecurityRequirements().isEmpty()) {
      ctx.next(); // not ours to judge: the contract's validation answers unknown routes
      return;
    }
    // The check may wait (a key the verifier has yet to fetch): the body must not be consumed
    // meanwhile, or the body handler after it finds the request already ended. It resumes it.
    request.pause();
    auth.handle(ctx);
  }
}
