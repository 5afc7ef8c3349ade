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
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpHardening.class);
  private static final Set<String> HEADERS = Set.of("Authorization", "Content-Type", "Last-Event-ID");
  private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
      HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);

  private HttpHardening() {}

  /** For routers built from an OpenAPI contract. */
  public static void install(RouterBuilder builder, CommonConfig common) {
    handlers(common).forEach(builder::rootHandler);
  }

  /**
   * A request whose body is still arriving after {@code ms} (a client holding a half-sent body, on
   * purpose or not) is answered 408 and its connection closed, so such clients cannot hold a
   * service's connections and buffers for as long as they like.
   */
  static Handler<RoutingContext> readDeadline(long ms) {
    // A security policy to Vert.x: it must run before the body is read, as the others here do.
    return (SecurityPolicyHandler) ctx -> {
      io.vertx.core.http.HttpServerRequest request = ctx.request();
      if (!request.isEnded()) {
        long timer = ctx.vertx().setTimer(ms, t -> {
          if (!request.isEnded() && !ctx.response().ended()) {
            LOG.info("{} {} from {}: its body did not arrive within {} ms; closing the connection",
                request.method(), request.path(), request.remoteAddress(), ms);
            // The body has not ended: send closes an HTTP/1.x connection after the answer (an
            // HTTP/2 stream is over with its response, and the connection's other streams go on).
            ErrorHandler.send(ctx, 408, "request_timeout", "the request body did not arrive within "
                + ms / 1000 + " s");
          }
        });
        ctx.addEndHandler(v -> ctx.vertx().cancelTimer(timer));
      }
      ctx.next();
    };
  }

  /** For plain routers; call before adding routes. */
  public static void install(Router router, CommonConfig common) {
    handlers(common).forEach(h -> router.route().handler(h));
  }

  private static List<Handler<RoutingContext>> handlers(CommonConfig common) {
    List<Handler<RoutingContext>> handlers = new java.util.ArrayList<>();
    handlers.add(readDeadline(common.requestReadTimeout().toMillis()));
    handlers.add(XFrameHandler.create(XFrameHandler.DENY));
    handlers.add(CSPHandler.create().setDirective("default-src", "'none'").setDirective("frame-ancestors", "'none'"));
    if (common.tls().https()) {
      handlers.add(HSTSHandler.create());
    }
    handlers.add(new ApiHeaders());
    handlers.add(new NoForms());
    // After the headers above, so that a refused origin's 403 and a preflight carry them too.
    if (!common.corsOrigins().isEmpty()) {
      handlers.add(CorsHandler.create().addOrigins(common.corsOrigins()).allowedMethods(METHODS)
          .allowedHeaders(HEADERS).exposedHeader("Retry-After").maxAgeSeconds(600));
    }
    return handlers;
  }

  /**
   * The APIs take JSON: a form or multipart body is refused with 415 before the body handler, which
   * would otherwise decode it (and fails with a 500 on a GET). A security policy, so it runs first.
   */
  private static final class NoForms implements SecurityPolicyHandler {
    @Override
    public void handle(RoutingContext ctx) {
      String type = ctx.request().getHeader("content-type");
      String t = type == null ? "" : type.trim().toLowerCase(java.util.Locale.ROOT);
      if (t.startsWith("multipart/") || t.startsWith("application/x-www-form-urlencoded")) {
        ErrorHandler.send(ctx, 415, "unsupported_media_type",
            "this API takes JSON bodies (application/json), not " + type);
        return;
      }
      ctx.next();
    }
  }

  /**
   * What the HTTP codec refuses before any route — a request line or headers too long, a malformed
   * request — answered as every error is, JSON {@code {error, message}}, then the connection closed
   * (the rest of such a request cannot be trusted): 414, 431 or 400.
   */
  public static void invalidRequest(io.vertx.core.http.HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = 400;
    String error = "bad_request";
    String message = "malformed HTTP request";
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      status = 414;
      error = "uri_too_long";
      message = "the request line is longer than the server accepts";
    } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
      status = 431;
      error = "headers_too_large";
      message = "the request's headers are larger than the server accepts";
    }
    LOG.info("refused a malformed request from {}: {} ({})", request.remoteAddress(), status,
        cause == null ? "no detail" : cause.getMessage());
    request.response().setStatusCode(status).putHeader("content-type", "application/json")
        .putHeader("connection", "close")
        .end(new io.vertx.core.json.JsonObject().put("error", error).put("message", message).encode())
        .onComplete(v -> request.connection().close());
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
