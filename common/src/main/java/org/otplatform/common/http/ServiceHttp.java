package org.otplatform.common.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.service.ServiceLauncher;
import org.otplatform.common.tls.ServiceTls;
import java.util.function.Consumer;

/**
 * The HTTP surface every service shares: its OpenAPI contract (validated by the Vert.x OpenAPI
 * router and served at {@code /openapi.yaml}), {@code /health/live}, {@code /health/ready},
 * {@code /metrics}, and JSON errors.
 */
public final class ServiceHttp {
  /** Largest request body any service accepts. */
  public static final long MAX_BODY_BYTES = 1024 * 1024;

  private ServiceHttp() {}

  /**
   * Builds a router from the contract on the classpath; {@code operations} binds handlers to
   * operation ids. Health and metrics routes are added outside the contract.
   */
  public static Future<Router> router(Vertx vertx, String contractResource, HealthChecks readiness,
      CommonConfig common, Consumer<RouterBuilder> operations) {
    return router(vertx, contractResource, readiness, common, null, operations);
  }

  /**
   * As {@link #router(Vertx, String, HealthChecks, CommonConfig, Consumer)}; with {@code auth}, a
   * request to an operation the contract secures has its token checked before its body is read.
   */
  public static Future<Router> router(Vertx vertx, String contractResource, HealthChecks readiness,
      CommonConfig common, BearerAuth auth, Consumer<RouterBuilder> operations) {
    return Contracts.from(vertx, contractResource).map(contract -> {
      RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
      HttpHardening.install(builder, common);
      if (auth != null) {
        builder.rootHandler(new TokenBeforeBody(contract, auth));
      }
      builder.rootHandler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
      builder.rootHandler(ServiceHttp::nameSpanByRoute);
      // Tokens are checked by BearerAuth on each route (our verifier, our error bodies); the
      // contract's security entries document that for clients.
      builder.getRoutes().forEach(route -> route.setDoSecurity(false));
      operations.accept(builder);
      Router router = builder.createRouter();
      addStandardRoutes(vertx, router, contractResource, readiness);
      ErrorHandler.install(router);
      return router;
    });
  }

  /**
   * Names the request's server span by its route's template ({@code GET /api/v1/sessions/:id}):
   * Vert.x names it by the method alone, and the path would put ids in span names.
   */
  private static void nameSpanByRoute(io.vertx.ext.web.RoutingContext ctx) {
    io.opentelemetry.api.trace.Span span = io.opentelemetry.api.trace.Span.current();
    if (span.getSpanContext().isValid()) {
      ctx.addHeadersEndHandler(v -> {
        io.vertx.ext.web.Route route = ctx.currentRoute();
        if (route != null && route.getPath() != null) {
          span.updateName(ctx.request().method().name() + " " + route.getPath());
        }
      });
    }
    ctx.next();
  }

  /** Health, readiness, metrics and the OpenAPI document. */
  public static void addStandardRoutes(Vertx vertx, Router router, String contractResource,
      HealthChecks readiness) {
    // Live while the event loop runs this check; one procedure makes the answer 200 with a body.
    HealthChecks liveness = HealthChecks.create(vertx).register("event-loop", p -> p.complete(Status.OK()));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    // The Vert.x instance's own registry (see ServiceLauncher.newVertx), else the default one.
    String registry = ServiceLauncher.registryName(vertx);
    router.get("/metrics").handler(registry != null ? PrometheusScrapingHandler.create(registry)
        : PrometheusScrapingHandler.create());
    if (contractResource != null) {
      router.get("/openapi.yaml").handler(ctx -> vertx.fileSystem().readFile(contractResource)
          .onSuccess(buf -> ctx.response().putHeader("content-type", "application/yaml").end(buf))
          .onFailure(ctx::fail));
    }
  }

  /**
   * Starts an HTTP server on host:port (port 0 picks a free one), serving TLS when {@code tls} has
   * certificates (and then following their renewals).
   */
  public static Future<HttpServer> listen(Vertx vertx, Router router, CommonConfig common, int port,
      ServiceTls tls) {
    HttpServer server = vertx.createHttpServer(tls.server(new HttpServerOptions()
            .setHost(common.host())
            .setPort(port)
            .setCompressionSupported(true)
            // A connection silent for 2 min is closed: longer than the 60 s our clients keep idle
            // connections pooled (so they close first, never racing a reuse), while event streams
            // and tails send a keepalive every 15 s.
            .setIdleTimeout(120)
            // No cleartext HTTP/2 upgrades: the JDK's client asks for one on every connection and
            // then misreads large HTTP/1.1 answers (seen on /metrics). HTTP/2 belongs on TLS.
            .setHttp2ClearTextEnabled(false)
            .setMaxWebSocketFrameSize(1024 * 1024)))
        .requestHandler(router)
        .invalidRequestHandler(HttpHardening::invalidRequest);
    if (common.maxConnectionsPerAddress() > 0) {
      server.connectionHandler(new ConnectionCap(common.maxConnectionsPerAddress()));
    }
    return server.listen().map(tls::track);
  }
}
