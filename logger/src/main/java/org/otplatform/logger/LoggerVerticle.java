package org.otplatform.logger;

import org.otplatform.common.tls.ServiceTls;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.JwksClient;
import org.otplatform.common.auth.Principal;
import org.otplatform.common.auth.SessionLookup;
import org.otplatform.common.auth.Revocations;
import org.otplatform.common.auth.TokenVerifier;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.http.Responses;
import org.otplatform.common.http.ServiceHttp;
import org.otplatform.common.service.Dependencies;
import org.otplatform.common.service.ServiceLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logger: stores the log topic in MongoDB and answers queries on it. */
public final class LoggerVerticle extends VerticleBase {
  private ServiceTls tls;
  private static final Logger LOG = LoggerFactory.getLogger(LoggerVerticle.class);

  private final LoggerConfig config;
  private MongoClient mongo;
  private WebClient http;
  private LogIngest ingest;
  private LiveTail tail;
  /** Users whose tokens were revoked: refused, their live tails cut. */
  private final Revocations revocations = new Revocations();
  /** Live tails per user, open or being opened (a cap per user). */
  private final java.util.Map<String, Integer> tailsHeld = new java.util.concurrent.ConcurrentHashMap<>();
  /** Open live tails by user id. */
  private final java.util.Map<String, java.util.Set<HttpServerResponse>> tails = new java.util.HashMap<>();
  private HttpServer server;

  public LoggerVerticle(LoggerConfig config) {
    this.config = config;
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    tls = ServiceTls.start(vertx, config.common().tls());
    mongo = Dependencies.mongo(vertx, config.common(), config.database());
    http = tls.webClient();
    LogStore store = new LogStore(mongo);
    SessionLookup sessions = new SessionLookup(http, config.gssUrl());
    ingest = new LogIngest(vertx, config.common().kafka(), config.common().instanceId(), store);
    tail = new LiveTail(vertx, config.common().kafka(), config.common().instanceId(),
        ServiceLauncher.meterRegistry(vertx));
    TokenVerifier verifier = TokenVerifier.remote(vertx, new JwksClient(http, config.authUrl()))
        .withRevocations(revocations);
    revocations.onRevoked(userId -> vertx.runOnContext(v -> java.util.List.copyOf(
        tails.getOrDefault(userId, java.util.Set.of())).forEach(HttpServerResponse::reset)));
    verifier.startInBackground();
    HealthChecks readiness = HealthChecks.create(vertx)
        .register("mongo", 2_000, p -> Dependencies.mongoCheck(mongo, p))
        .register("auth-keys", 6_000, verifier::readiness)
        .register("log-topic", p -> p.complete(tail.isReading() ? Status.OK() : Status.KO()))
        .register("revocations", p -> p.complete(revocations.isFollowing() ? Status.OK() : Status.KO()));
    BearerAuth auth = new BearerAuth(verifier);
    return Dependencies.awaitMongo(vertx, mongo, config.common(), config.common().startupTimeout())
        .compose(v -> Dependencies.awaitKafka(vertx, config.common(), config.common().startupTimeout()))
        .compose(v -> store.createIndexes())
        .compose(v -> ingest.start())
        .compose(v -> tail.start())
        .compose(v -> revocations.follow(vertx, config.common().kafka(), config.common().instanceId()))
        .compose(v -> ServiceHttp.router(vertx, "openapi/logger.yaml", readiness, config.common(), b -> {
          b.getRoute("queryLogs").addHandler(auth).addHandler(Responses.json(ctx -> query(ctx, store, sessions)));
          b.getRoute("tailLogs").addHandler(auth).addHandler(ctx -> tail(ctx, sessions));
        }))
        .compose(router -> ServiceHttp.listen(vertx, router, config.common().host(), config.port(), tls))
        .onSuccess(s -> {
          server = s;
          vertx.setPeriodic(config.retentionInterval().toMillis(), t -> config.retention()
              .enforce(store, java.time.Instant.now())
              .onFailure(e -> LOG.warn("log retention failed: {}", e.getMessage())));
          LOG.info("logger listening on port {}", s.actualPort());
        });
  }

  private Future<JsonObject> query(RoutingContext ctx, LogStore store, SessionLookup sessions) {
    LogQuery query = LogQuery.from(ctx.queryParams());
    return allowed(BearerAuth.principal(ctx), query, sessions).compose(v -> store.query(query));
  }

  private void tail(RoutingContext ctx, SessionLookup sessions) {
    LogQuery query;
    try {
      query = LogQuery.from(ctx.queryParams());
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    Principal caller = BearerAuth.principal(ctx);
    // Taken before the access check, so parallel requests count; given back when the tail ends.
    if (tailsHeld.merge(caller.userId(), 1, Integer::sum) > config.maxTailsPerUser()) {
      releaseTail(caller.userId());
      ctx.fail(ApiException.tooManyRequests("you have " + config.maxTailsPerUser() + " live tails open, the limit; "
          + "close one first", 5));
      return;
    }
    allowed(caller, query, sessions)
        .onFailure(e -> releaseTail(caller.userId()))
        .onSuccess(v -> {
          HttpServerResponse response = ctx.response();
          // The token was checked once: the tail lasts no longer than it, nor past its revocation.
          long expiry = vertx.setTimer(Math.max(1, caller.expiresAt().toEpochMilli() - System.currentTimeMillis()),
              t -> response.reset());
          tails.computeIfAbsent(caller.userId(), u -> new java.util.HashSet<>()).add(response);
          tail.open(response, query.matcher(), () -> {
            vertx.cancelTimer(expiry);
            releaseTail(caller.userId());
            tails.computeIfPresent(caller.userId(), (u, open) -> {
              open.remove(response);
              return open.isEmpty() ? null : open;
            });
          });
        })
        .onFailure(ctx::fail);
  }

  private void releaseTail(String userId) {
    tailsHeld.computeIfPresent(userId, (u, n) -> n <= 1 ? null : n - 1);
  }

  /** An admin reads every log; a user the logs of a session the GSS shows them, named in the query. */
  static Future<Void> allowed(Principal caller, LogQuery query, SessionLookup sessions) {
    if (caller.isAdmin()) {
      return Future.succeededFuture();
    }
    if (query.session() == null) {
      return Future.failedFuture(ApiException.forbidden("only an admin may read logs without 'session'"));
    }
    return sessions.visible(query.session(), caller).mapEmpty();
  }

  @Override
  public Future<?> stop() {
    tls.close();
    return Future.join(
            server == null ? Future.succeededFuture() : server.close(),
            tail == null ? Future.succeededFuture() : tail.close(),
            revocations.close(),
            ingest == null ? Future.succeededFuture() : ingest.close())
        .eventually(() -> mongo == null ? Future.succeededFuture() : mongo.close());
  }
}
