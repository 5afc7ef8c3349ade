package org.otplatform.common.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CSPHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.HSTSHandler;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import io.vertx.ext.web.handler.XFrameHandler;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.List;
import java.util.Set;
import org.otplatform.common.config.CommonConfig;

/**
 * What every public HTTP response carries: no sniffing, no framing, a content security policy
 * that allows nothing (these are APIs, not pages), no referrer, no caching, and HSTS when served
 * over TLS. CORS is strict: no cross-origin access unless {@code OT_CORS_ORIGINS} names the
 * front ends' origins, and then only those, with the methods and headers the APIs use.
 */
public final class HttpHardening {
  private static final Set<String> HEADERS = Set.of("Authorization", "Content-Type", "Last-Event-ID");
  private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
      HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);

  private HttpHardening() {}

  /** For routers built from an OpenAPI contract. */
  public static void install(RouterBuilder builder, CommonConfig common) {
    handlers(common).forEach(builder::rootHandler);
  }

  /** For plain routers; call before adding routes. */
  public static void install(Router router, CommonConfig common) {
    handlers(common).forEach(h -> router.route().handler(h));
  }

  private static List<Handler<RoutingContext>> handlers(CommonConfig common) {
    List<Handler<RoutingContext>> handlers = new java.util.ArrayList<>();
    if (!common.corsOrigins().isEmpty()) {
      handlers.add(CorsHandler.create().addOrigins(common.corsOrigins()).allowedMethods(METHODS)
          .allowedHeaders(HEADERS).exposedHeader("Retry-After").maxAgeSeconds(600));
    }
    handlers.add(XFrameHandler.create(XFrameHandler.DENY));
    handlers.add(CSPHandler.create().setDirective("default-src", "'none'").setDirective("frame-ancestors", "'none'"));
    if (common.tls().enabled()) {
      handlers.add(HSTSHandler.create());
    }
    handlers.add(new ApiHeaders());
    return handlers;
  }

  /** The headers Vert.x has no handler of its own for; a security policy, so it runs before the body. */
  private static final class ApiHeaders implements SecurityPolicyHandler {
    @Override
    public void handle(RoutingContext ctx) {
      ctx.response().headers()
          .set("X-Content-Type-Options", "nosniff")
          .set("Referrer-Policy", "no-referrer")
          .set("Cache-Control", "no-store");
      ctx.next();
    }
  }
}
