package org.otplatform.gss;

import org.otplatform.common.tls.ServiceTls;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.time.Instant;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.JwksClient;
import org.otplatform.common.auth.Revocations;
import org.otplatform.common.auth.TokenVerifier;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.LssDrainRequested;
import org.otplatform.common.events.LssHeartbeat;
import org.otplatform.common.events.Topics;
import org.otplatform.common.http.ApiException;
import org.otplatform.common.http.Responses;
import org.otplatform.common.http.ServiceHttp;
import org.otplatform.common.kafka.BroadcastConsumer;
import org.otplatform.common.kafka.EventPublisher;
import org.otplatform.common.kafka.KafkaSupport;
import org.otplatform.common.kafka.KeyOrderedConsumer;
import org.otplatform.common.service.Dependencies;
import org.otplatform.gss.http.ProgressStream;
import org.otplatform.gss.registry.LssRegistry;
import org.otplatform.gss.session.AuthClient;
import org.otplatform.gss.session.Progress;
import org.otplatform.gss.session.Reconciler;
import org.otplatform.gss.session.SessionQueue;
import org.otplatform.gss.session.SessionService;
import org.otplatform.gss.session.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** GSS: the public entry point. Sessions API, progress streams, and the fold of LSS events. */
public final class GssVerticle extends VerticleBase {
  /** The platform's version, reported by {@code /api/v1/info}. */
  public static final String VERSION = "0.1.0";
  private ServiceTls tls;
  private static final Logger LOG = LoggerFactory.getLogger(GssVerticle.class);
  private static final String CONTRACT = "openapi/gss.yaml";

  /** Events of different sessions folded at once; one session's events are folded in order. */
  private static final int EVENTS_IN_FLIGHT = 64;
  private final GssConfig config;
  private MongoClient mongo;
  private WebClient http;
  private EventPublisher publisher;
  private KeyOrderedConsumer consumer;
  private BroadcastConsumer heartbeats;
  /** AUTH's audit events, for ProjectDeleted. */
  private KeyOrderedConsumer projectEvents;
  /** Users whose tokens were revoked: refused by the verifier, their event streams ended. */
  private final Revocations revocations = new Revocations();
  private BroadcastConsumer followed;
  private HttpServer server;

  public GssVerticle(GssConfig config) {
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
    publisher = new EventPublisher(vertx, config.common().kafka(), config.common().instanceId());
    TokenVerifier verifier = TokenVerifier.remote(vertx, new JwksClient(http, config.authUrl()))
        .withRevocations(revocations);
    SessionStore store = new SessionStore(mongo);
    Progress progress = new Progress(vertx, store);
    LssRegistry registry = new LssRegistry(config.lssLostAfter(), Instant.now());
    SessionQueue queue = new SessionQueue(store, publisher, progress, registry, config.queueTimeout());
    SessionService sessions = new SessionService(new SessionService.Parts(progress, store, queue,
        new AuthClient(http, config.authUrl()), publisher, config.catalog(), config.limits()));
    consumer = new KeyOrderedConsumer(vertx,
        KafkaSupport.consumerConfig(config.common().kafka(), "gss", config.common().instanceId()),
        Topics.SESSION_EVENTS, EVENTS_IN_FLIGHT, record -> sessions.onRecord(record.value()));
    // Deleted projects close their sessions: AUTH's ProjectDeleted, read once by the GSS group.
    projectEvents = new KeyOrderedConsumer(vertx,
        KafkaSupport.consumerConfig(config.common().kafka(), "gss-projects", config.common().instanceId()),
        Topics.AUDIT, 8, record -> onAudit(record.value(), sessions));
    Reconciler reconciler = new Reconciler(store, publisher, progress, registry, config.maxHandovers());
    heartbeats = new BroadcastConsumer(vertx, config.common().kafka(), config.common().instanceId(),
        Topics.REGISTRY, json -> {
          if ("LssHeartbeat".equals(json.getString("type"))) {
            reconciler.onHeartbeat(LssHeartbeat.decode(json), Instant.now())
                .onFailure(e -> LOG.warn("reconciling a heartbeat of {} failed: {}", json.getString("lssId"),
                    e.getMessage()));
          }
        });
    // Every replica follows every event, so that SSE streams on it see folds done by another.
    followed = new BroadcastConsumer(vertx, config.common().kafka(), config.common().instanceId(),
        Topics.SESSION_EVENTS, json -> progress.onEvent(EventCodec.decodeEvent(json)));
    HealthChecks readiness = HealthChecks.create(vertx)
        .register("mongo", 2_000, p -> Dependencies.mongoCheck(mongo, p))
        .register("kafka", p -> p.complete(consumer.isAssigned() && heartbeats.isAssigned() && followed.isAssigned()
            && revocations.isFollowing() && projectEvents.isAssigned() ? Status.OK() : Status.KO(new JsonObject().put("reason",
                "not yet reading the session events, registry and revocations topics"))))
        .register("auth-keys", 6_000, verifier::readiness);

    verifier.startInBackground();
    return Dependencies.awaitMongo(vertx, mongo, config.common(), config.common().startupTimeout())
        .compose(v -> Dependencies.awaitKafka(vertx, config.common(), config.common().startupTimeout()))
        .compose(v -> store.createIndexes())
        .compose(v -> consumer.start())
        .compose(v -> heartbeats.start())
        .compose(v -> followed.start())
        .compose(v -> revocations.follow(vertx, config.common().kafka(), config.common().instanceId()))
        .compose(v -> projectEvents.start())
        .compose(v -> ServiceHttp.router(vertx, CONTRACT, readiness, config.common(),
            b -> routes(b, sessions, progress, registry, new BearerAuth(verifier))))
        .compose(router -> ServiceHttp.listen(vertx, router, config.common().host(), config.port(), tls))
        .onSuccess(s -> {
          server = s;
          vertx.setPeriodic(config.sweepInterval().toMillis(), t -> {
            sessions.failStuckOpens(Instant.now())
                .onFailure(e -> LOG.warn("sweep for stuck opens failed: {}", e.getMessage()));
            reconciler.sweep(Instant.now())
                .onFailure(e -> LOG.warn("sweep for sessions of lost LSS instances failed: {}", e.getMessage()));
            sessions.cullIdle(Instant.now())
                .onFailure(e -> LOG.warn("sweep for idle sessions failed: {}", e.getMessage()));
            queue.dispatch(Instant.now())
                .onFailure(e -> LOG.warn("dispatching queued sessions failed: {}", e.getMessage()));
          });
          LOG.info("GSS listening on port {}", s.actualPort());
        });
  }

  private void routes(RouterBuilder b, SessionService sessions, Progress progress, LssRegistry registry,
      BearerAuth auth) {
    b.getRoute("listAllSessions").addHandler(auth).addHandler(Responses.json(ctx -> {
      requireAdmin(ctx, "list every session");
      JsonObject filter = new JsonObject();
      for (String key : java.util.List.of("state", "owner", "project", "type", "lss")) {
        String value = ctx.queryParams().get(key);
        if (value != null) {
          filter.put(key, value);
        }
      }
      String limit = ctx.queryParams().get("limit");
      return sessions.listAll(filter, limit == null ? 100 : Integer.parseInt(limit));
    }));
    b.getRoute("listLss").addHandler(auth).addHandler(Responses.json(ctx -> {
      requireAdmin(ctx, "list the LSS instances");
      return Future.succeededFuture(registry.view(Instant.now()));
    }));
    b.getRoute("drainLss").addHandler(auth).addHandler(Responses.json(202, ctx -> drain(ctx, registry, true)));
    b.getRoute("undrainLss").addHandler(auth).addHandler(Responses.json(202, ctx -> drain(ctx, registry, false)));
    b.getRoute("info").addHandler(Responses.json(ctx -> Future.succeededFuture(info())));
    b.getRoute("openSession").addHandler(auth).addHandler(Responses.json(202, ctx -> {
      JsonObject body = Responses.body(ctx);
      String project = Responses.requiredString(body, "project");
      Object type = body.getValue("type");
      if (type != null && !(type instanceof String)) {
        throw ApiException.badRequest("field 'type' must be a string");
      }
      return sessions.open(BearerAuth.principal(ctx), project, (String) type);
    }));
    b.getRoute("listSessions").addHandler(auth).addHandler(Responses.json(ctx ->
        sessions.list(BearerAuth.principal(ctx))));
    b.getRoute("getSession").addHandler(auth).addHandler(Responses.json(ctx ->
        sessions.get(BearerAuth.principal(ctx), ctx.pathParam("id"))));
    b.getRoute("closeSession").addHandler(auth).addHandler(Responses.json(202, ctx ->
        sessions.close(BearerAuth.principal(ctx), ctx.pathParam("id"), "closed by user")));
    b.getRoute("sessionEvents").addHandler(auth).addHandler(new ProgressStream(vertx, sessions, progress, revocations,
        config.maxStreamsPerUser())::handle);
  }

  private static Future<Void> onAudit(String value, SessionService sessions) {
    JsonObject event;
    try {
      event = new JsonObject(value);
    } catch (RuntimeException e) {
      LOG.warn("skipping an audit record that is not JSON: {}", e.getMessage());
      return Future.succeededFuture();
    }
    if (!"ProjectDeleted".equals(event.getString("type")) || event.getString("subject") == null) {
      return Future.succeededFuture();
    }
    return sessions.closeProjectSessions(event.getString("subject"), String.valueOf(event.getString("actor")));
  }

  /** Asks an LSS (through the registry topic) to take no new sessions, or to take them again. */
  private Future<JsonObject> drain(io.vertx.ext.web.RoutingContext ctx, LssRegistry registry, boolean drain) {
    requireAdmin(ctx, "drain LSS instances");
    String id = ctx.pathParam("id");
    if (registry.get(id).isEmpty()) {
      throw ApiException.notFound("no LSS " + id + " has been heard of");
    }
    LOG.info("{} asks LSS {} to {}", BearerAuth.principal(ctx).username(), id,
        drain ? "take no new sessions" : "take new sessions again");
    return publisher.publish(Topics.REGISTRY, LssDrainRequested.of(id, drain))
        .map(v -> new JsonObject().put("lss", id).put("draining", drain));
  }

  private static void requireAdmin(io.vertx.ext.web.RoutingContext ctx, String what) {
    if (!BearerAuth.principal(ctx).isAdmin()) {
      throw ApiException.forbidden("only administrators may " + what);
    }
  }

  private JsonObject info() {
    JsonArray types = new JsonArray();
    config.catalog().types().values().forEach(t -> {
      JsonArray services = new JsonArray();
      t.services().forEach(s -> services.add(s.name()));
      types.add(new JsonObject().put("name", t.name()).put("services", services)
          .put("maxOpenPerProject", t.maxOpenPerProject()));
    });
    return new JsonObject()
        .put("version", VERSION)
        .put("authUrl", config.publicAuthUrl())
        .put("relayUrl", config.publicRelayUrl())
        .put("loggerUrl", config.publicLoggerUrl())
        .put("defaultSessionType", config.catalog().defaultType())
        .put("sessionTypes", types);
  }

  @Override
  public Future<?> stop() {
    tls.close();
    return Future.join(java.util.List.of(
            server == null ? Future.succeededFuture() : server.close(),
            consumer == null ? Future.succeededFuture() : consumer.close(),
            heartbeats == null ? Future.succeededFuture() : heartbeats.close(),
            followed == null ? Future.succeededFuture() : followed.close(),
            revocations.close(),
            projectEvents == null ? Future.succeededFuture() : projectEvents.close(),
            publisher == null ? Future.succeededFuture() : publisher.close()))
        .eventually(() -> mongo == null ? Future.succeededFuture() : mongo.close());
  }
}
