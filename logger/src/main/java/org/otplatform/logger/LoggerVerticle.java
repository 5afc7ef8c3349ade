package org.otplatform.logger;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.JwksClient;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.auth.SessionLookup;
import org.otplatform.common.auth.TokenVerifier;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.http.Responses;
import org.otplatform.common.http.ServiceHttp;
import org.otplatform.common.service.Dependencies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logger: stores the log topic in MongoDB and answers queries on it. */
public final class LoggerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LoggerVerticle.class);
  private static final int MAX_LIMIT = 1_000;

  private final LoggerConfig config;
  private MongoClient mongo;
  private WebClient http;
  private LogIngest ingest;
  private HttpServer server;

  public LoggerVerticle(LoggerConfig config) {
    this.config = config;
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    mongo = Dependencies.mongo(vertx, config.common(), config.database());
    http = WebClient.create(vertx);
    LogStore store = new LogStore(mongo);
    SessionLookup sessions = new SessionLookup(http, config.gssUrl());
    ingest = new LogIngest(vertx, config.common().kafkaBootstrap(), config.common().instanceId(), store);
    TokenVerifier verifier = TokenVerifier.remote(vertx, new JwksClient(http, config.authUrl()));
    verifier.startInBackground();
    HealthChecks readiness = HealthChecks.create(vertx)
        .register("mongo", 2_000, p -> Dependencies.mongoCheck(mongo, p))
        .register("auth-keys", 6_000, verifier::readiness);
    return Dependencies.awaitMongo(vertx, mongo, config.common(), config.common().startupTimeout())
        .compose(v -> Dependencies.awaitKafka(vertx, config.common(), config.common().startupTimeout()))
        .compose(v -> store.createIndexes())
        .compose(v -> ingest.start())
        .compose(v -> ServiceHttp.router(vertx, "openapi/logger.yaml", readiness,
            b -> b.getRoute("queryLogs").addHandler(new BearerAuth(verifier))
                .addHandler(Responses.json(ctx -> query(ctx, store, sessions)))))
        .compose(router -> ServiceHttp.listen(vertx, router, config.common().host(), config.port()))
        .onSuccess(s -> {
          server = s;
          LOG.info("logger listening on port {}", s.actualPort());
        });
  }

  private Future<JsonObject> query(RoutingContext ctx, LogStore store, SessionLookup sessions) {
    Principal caller = BearerAuth.principal(ctx);
    String session = ctx.queryParams().get("session");
    String service = ctx.queryParams().get("service");
    String level = ctx.queryParams().get("level");
    int limit = limit(ctx.queryParams().get("limit"));
    JsonObject filter = new JsonObject();
    if (session != null) {
      filter.put("session", session);
    }
    if (service != null) {
      filter.put("service", service);
    }
    if (level != null) {
      Integer min = LogStore.LEVELS.get(level.toUpperCase());
      if (min == null) {
        throw ApiException.badRequest("'level' must be one of TRACE, DEBUG, INFO, WARN, ERROR");
      }
      filter.put("levelNum", new JsonObject().put("$gte", min));
    }
    Future<Void> allowed;
    if (caller.isAdmin()) {
      allowed = Future.succeededFuture();
    } else if (session == null) {
      allowed = Future.failedFuture(ApiException.forbidden("only an admin may query without 'session'"));
    } else {
      // A user reads the logs of sessions the GSS shows them.
      allowed = sessions.visible(session, caller).mapEmpty();
    }
    return allowed.compose(v -> store.query(filter, limit)).map(records -> new JsonObject().put("records", records));
  }

  private static int limit(String value) {
    if (value == null) {
      return 100;
    }
    try {
      int n = Integer.parseInt(value);
      if (n < 1 || n > MAX_LIMIT) {
        throw ApiException.badRequest("'limit' must be between 1 and " + MAX_LIMIT);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("'limit' must be an integer");
    }
  }

  @Override
  public Future<?> stop() {
    return Future.join(
            server == null ? Future.succeededFuture() : server.close(),
            ingest == null ? Future.succeededFuture() : ingest.close())
        .eventually(() -> mongo == null ? Future.succeededFuture() : mongo.close());
  }
}
