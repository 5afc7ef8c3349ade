package org.otplatform.gss;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.Map;
import org.otplatform.common.auth.AccessChanges;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.JwksClient;
import org.otplatform.common.auth.Revocations;
import org.otplatform.common.auth.TokenVerifier;
import org.otplatform.common.events.EventCodec;
import org.otplatform.common.events.LssHeartbeat;
import org.otplatform.common.events.Topics;
import org.otplatform.common.http.ServiceHttp;
import org.otplatform.console.Console;
import org.otplatform.common.kafka.BroadcastConsumer;
import org.otplatform.common.kafka.EventPublisher;
import org.otplatform.common.kafka.KafkaSupport;
import org.otplatform.common.kafka.DeadLetters;
import org.otplatform.common.kafka.KeyOrderedConsumer;
import org.otplatform.common.service.Dependencies;
import org.otplatform.common.service.ServiceLauncher;
import org.otplatform.common.service.ServiceVerticle;
import org.otplatform.common.tracing.RootSpans;
import org.otplatform.gss.access.AuthClient;
import org.otplatform.gss.access.SessionAccess;
import org.otplatform.gss.http.GssParts;
import org.otplatform.gss.http.GssRoutes;
import org.otplatform.gss.lifecycle.Admission;
import org.otplatform.gss.lifecycle.EventFold;
import org.otplatform.gss.lifecycle.Lifecycle;
import org.otplatform.gss.lifecycle.ProjectDeletions;
import org.otplatform.gss.lifecycle.Reconciler;
import org.otplatform.gss.lifecycle.SessionQueue;
import org.otplatform.gss.lifecycle.Sweeps;
import org.otplatform.gss.metrics.LssGauges;
import org.otplatform.gss.metrics.QueueGauge;
import org.otplatform.gss.metrics.SessionMetrics;
import org.otplatform.gss.progress.Progress;
import org.otplatform.gss.registry.LssRegistry;
import org.otplatform.gss.store.MongoSessionStore;
import org.otplatform.gss.store.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GSS: the public entry point. Wires the sessions API, progress streams, the fold of LSS events,
 * the reconciler and the sweeps; the rules live in {@code lifecycle}, the handlers in {@code http}.
 */
public final class GssVerticle extends ServiceVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(GssVerticle.class);
  private static final String CONTRACT = "openapi/gss.yaml";
  /** Events of different sessions folded at once; one session's events are folded in order. */
  private static final int EVENTS_IN_FLIGHT = 64;
  /** ProjectDeleted events handled at once. */
  private static final int AUDIT_IN_FLIGHT = 8;

  private final GssConfig config;
  private final Clock clock;

  public GssVerticle(GssConfig config) {
    this(config, Clock.systemUTC());
  }

  public GssVerticle(GssConfig config, Clock clock) {
    super("GSS", config.common());
    this.config = config;
    this.clock = clock;
  }

  @Override
  protected Future<HttpServer> startService() {
    MongoClient mongo = closeAtStop(Dependencies.mongo(vertx, config.common(), config.database()), MongoClient::close);
    WebClient http = tls.webClient();
    EventPublisher publisher = closeAtStop(new EventPublisher(vertx, config.common().kafka(),
        config.common().instanceId()), EventPublisher::close);
    // Users whose tokens were revoked: refused by the verifier, their event streams ended.
    Revocations revocations = new Revocations();
    // Grants revoked or changed: open event streams are checked again.
    AccessChanges accessChanges = new AccessChanges();
    TokenVerifier verifier = TokenVerifier.remote(vertx, new JwksClient(http, config.authUrl()))
        .withRevocations(revocations);

    SessionStore store = new MongoSessionStore(mongo, clock);
    Progress progress = new Progress(vertx, store);
    LssRegistry registry = new LssRegistry(config.lssLostAfter(), clock.instant());
    Lifecycle lifecycle = new Lifecycle(store, progress, publisher, clock,
        new SessionMetrics(ServiceLauncher.meterRegistry(vertx)), id -> registry.get(id).map(LssRegistry.Entry::pool));
    SessionQueue queue = new SessionQueue(store, lifecycle, registry, config.queueTimeout());
    Reconciler reconciler = new Reconciler(store, lifecycle, registry, config.maxHandovers(), RootSpans.of(vertx));
    Sweeps sweeps = new Sweeps(store, lifecycle, config.catalog(), queue, reconciler, RootSpans.of(vertx));
    AuthClient auth = new AuthClient(http, config.authUrl());
    Admission admission = new Admission(store, lifecycle, queue, auth, config.catalog(), config.limits());
    GssParts parts = new GssParts(vertx, config, store, new SessionAccess(store, auth), admission, lifecycle, queue,
        progress, registry, publisher, revocations, accessChanges);

    QueueGauge queueGauge = new QueueGauge(store, ServiceLauncher.meterRegistry(vertx), config.catalog().pools());
    LssGauges.register(ServiceLauncher.meterRegistry(vertx), registry, clock, config.catalog().pools());
    DeadLetters deadLetters = new DeadLetters(publisher, ServiceLauncher.meterRegistry(vertx), "gss",
        config.common().instanceId(), clock);
    EventFold fold = EventFold.sessionEvents(lifecycle);
    KeyOrderedConsumer events = new KeyOrderedConsumer(vertx, consumerConfig("gss"), Topics.SESSION_EVENTS, EVENTS_IN_FLIGHT,
        record -> fold.onRecord(record.value()), deadLetters);
    EventFold activityFold = EventFold.activity(lifecycle);
    KeyOrderedConsumer activity = new KeyOrderedConsumer(vertx, consumerConfig("gss-activity"),
        Topics.SESSION_ACTIVITY, EVENTS_IN_FLIGHT, record -> activityFold.onRecord(record.value()), deadLetters);
    ProjectDeletions deletions = new ProjectDeletions(store, lifecycle);
    KeyOrderedConsumer audit = new KeyOrderedConsumer(vertx, consumerConfig("gss-projects"), Topics.AUDIT, AUDIT_IN_FLIGHT,
        record -> deletions.onRecord(record.value()), deadLetters);
    BroadcastConsumer heartbeats = new BroadcastConsumer(vertx, config.common().kafka(), config.common().instanceId(),
        Topics.REGISTRY, json -> {
          if ("LssHeartbeat".equals(json.getString("type"))) {
            reconciler.onHeartbeat(LssHeartbeat.decode(json)).onFailure(e -> LOG.warn(
                "reconciling a heartbeat of {} failed: {}", json.getString("lssId"), e.getMessage()));
          }
        });
    // Every replica follows every session event, so that SSE streams on it see folds done by another.
    BroadcastConsumer followed = new BroadcastConsumer(vertx, config.common().kafka(), config.common().instanceId(),
        Topics.SESSION_EVENTS, json -> progress.onEvent(EventCodec.decodeEvent(json)));
    closeTogetherAtStop(events::close, activity::close, audit::close, heartbeats::close, followed::close,
        revocations::close, accessChanges::close);

    HealthChecks readiness = HealthChecks.create(vertx)
        .register("mongo", 2_000, p -> Dependencies.mongoCheck(mongo, p))
        .register("kafka", p -> p.complete(events.isAssigned() && activity.isAssigned() && heartbeats.isAssigned()
            && followed.isAssigned() && revocations.isFollowing() && accessChanges.isFollowing() && audit.isAssigned()
            ? Status.OK() : Status.KO(new JsonObject().put("reason",
                "not yet reading the session events, activity, registry, audit and revocations topics"))))
        .register("auth-keys", 6_000, verifier::readiness);
    BearerAuth bearer = new BearerAuth(verifier);
    verifier.startInBackground();
    return Dependencies.awaitMongo(vertx, mongo, config.common(), config.common().startupTimeout())
        .compose(v -> Dependencies.awaitKafka(vertx, config.common(), config.common().startupTimeout()))
        .compose(v -> store.createIndexes())
        .compose(v -> events.start())
        .compose(v -> activity.start())
        .compose(v -> heartbeats.start())
        .compose(v -> followed.start())
        .compose(v -> revocations.follow(vertx, config.common().kafka(), config.common().instanceId()))
        .compose(v -> accessChanges.follow(vertx, config.common().kafka(), config.common().instanceId()))
        .compose(v -> audit.start())
        .compose(v -> ServiceHttp.router(vertx, CONTRACT, readiness, config.common(), bearer,
            b -> GssRoutes.bind(b, parts, bearer)))
        .map(router -> {
          Console.mount(router, java.util.stream.Stream.of(config.publicAuthUrl(), config.publicRelayUrl(),
              config.publicLoggerUrl()).filter(u -> u != null && !u.isBlank()).map(java.net.URI::create).toList());
          return router;
        })
        .compose(router -> ServiceHttp.listen(vertx, router, config.common(), config.port(), tls))
        .onSuccess(s -> every(config.sweepInterval(), () -> {
          sweeps.runOnce();
          queueGauge.refresh();
        }));
  }

  private Map<String, String> consumerConfig(String group) {
    return KafkaSupport.consumerConfig(config.common().kafka(), group, config.common().instanceId());
  }
}
