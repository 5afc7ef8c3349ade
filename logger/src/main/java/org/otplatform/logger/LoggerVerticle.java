package org.otplatform.logger;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import org.otplatform.common.auth.AccessChanges;
import org.otplatform.common.auth.BearerAuth;
import org.otplatform.common.auth.JwksClient;
import org.otplatform.common.auth.Revocations;
import org.otplatform.common.auth.SessionLookup;
import org.otplatform.common.auth.TokenVerifier;
import org.otplatform.common.events.DeadLetter;
import org.otplatform.common.events.Topics;
import org.otplatform.common.http.Responses;
import org.otplatform.common.http.ServiceHttp;
import org.otplatform.common.kafka.DeadLetters;
import org.otplatform.common.kafka.KafkaSupport;
import org.otplatform.common.kafka.KeyOrderedConsumer;
import org.otplatform.common.service.Dependencies;
import org.otplatform.common.service.ServiceLauncher;
import org.otplatform.common.service.ServiceVerticle;
import org.otplatform.logger.http.AuditApi;
import org.otplatform.logger.http.DeadLettersApi;
import org.otplatform.logger.http.LogsApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logger: stores the log topic in MongoDB and answers queries on it, and keeps the platform's dead
 * letters for administrators; wires {@code http.LogsApi} and {@code http.DeadLettersApi}.
 */
public final class LoggerVerticle extends ServiceVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(LoggerVerticle.class);
  private final LoggerConfig config;
  private final Clock clock = Clock.systemUTC();
  private static final int DEAD_LETTERS_IN_FLIGHT = 64;

  public LoggerVerticle(LoggerConfig config) {
    super("logger", config.common());
    this.config = config;
  }

  @Override
  protected Future<HttpServer> startService() {
    MongoClient mongo = closeAtStop(Dependencies.mongo(vertx, config.common(), config.database()), MongoClient::close);
    WebClient http = tls.webClient();
    LogStore store = new LogStore(mongo);
    DeadLetterStore deadLetterStore = new DeadLetterStore(mongo);
    // Dead letters of the dead-letter consumer itself are logged, not published again (no loop).
    KeyOrderedConsumer deadLetters = new KeyOrderedConsumer(vertx, KafkaSupport.consumerConfig(config.common().kafka(),
        "logger-dead-letters", config.common().instanceId()), Topics.DEAD_LETTERS, DEAD_LETTERS_IN_FLIGHT,
        record -> deadLetterStore.save(decode(record.value())), DeadLetters.loggedOnly(
            ServiceLauncher.meterRegistry(vertx), "logger", config.common().instanceId(), clock));
    AuditStore auditStore = new AuditStore(mongo);
    KeyOrderedConsumer audit = new KeyOrderedConsumer(vertx, KafkaSupport.consumerConfig(config.common().kafka(),
        "logger-audit", config.common().instanceId()), Topics.AUDIT, DEAD_LETTERS_IN_FLIGHT,
        record -> auditStore.save(new io.vertx.core.json.JsonObject(record.value())), DeadLetters.loggedOnly(
            ServiceLauncher.meterRegistry(vertx), "logger", config.common().instanceId(), clock));
    LogIngest ingest = closeAtStop(new LogIngest(vertx, config.common().kafka(), config.common().instanceId(), store,
        new SessionQuota(config.sessionRecordsPerMinute(), clock)), LogIngest::close);
    LiveTail tail = new LiveTail(vertx, config.common().kafka(), config.common().instanceId(),
        ServiceLauncher.meterRegistry(vertx));
    // Users whose tokens were revoked: refused, their live tails cut.
    Revocations revocations = new Revocations();
    // Grants revoked or changed: open tails of sessions are checked again.
    AccessChanges accessChanges = new AccessChanges();
    closeTogetherAtStop(tail::close, revocations::close, accessChanges::close, deadLetters::close, audit::close);
    TokenVerifier verifier = TokenVerifier.remote(vertx, new JwksClient(http, config.authUrl()))
        .withRevocations(revocations);
    LogsApi logs = new LogsApi(vertx, clock, store, tail, new SessionLookup(http, config.gssUrl()), revocations,
        accessChanges, config.maxTailsPerUser());
    verifier.startInBackground();
    HealthChecks readiness = HealthChecks.create(vertx)
        .register("mongo", 2_000, p -> Dependencies.mongoCheck(mongo, p))
        .register("auth-keys", 6_000, verifier::readiness)
        .register("log-topic", p -> p.complete(tail.isReading() ? Status.OK() : Status.KO()))
        .register("dead-letters", p -> p.complete(deadLetters.isAssigned() ? Status.OK() : Status.KO()))
        .register("audit", p -> p.complete(audit.isAssigned() ? Status.OK() : Status.KO()))
        .register("revocations", p -> p.complete(revocations.isFollowing() ? Status.OK() : Status.KO()))
        .register("access-changes", p -> p.complete(accessChanges.isFollowing() ? Status.OK() : Status.KO()));
    BearerAuth auth = new BearerAuth(verifier);
    return Dependencies.awaitMongo(vertx, mongo, config.common(), config.common().startupTimeout())
        .compose(v -> Dependencies.awaitKafka(vertx, config.common(), config.common().startupTimeout()))
        .compose(v -> store.createIndexes())
        .compose(v -> deadLetterStore.createIndexes())
        .compose(v -> auditStore.createIndexes())
        .compose(v -> ingest.start())
        .compose(v -> deadLetters.start())
        .compose(v -> audit.start())
        .compose(v -> tail.start())
        .compose(v -> revocations.follow(vertx, config.common().kafka(), config.common().instanceId()))
        .compose(v -> accessChanges.follow(vertx, config.common().kafka(), config.common().instanceId()))
        .compose(v -> ServiceHttp.router(vertx, "openapi/logger.yaml", readiness, config.common(), auth, b -> {
          b.getRoute("queryLogs").addHandler(auth).addHandler(Responses.json(logs::query));
          b.getRoute("tailLogs").addHandler(auth).addHandler(logs::tail);
          b.getRoute("listDeadLetters").addHandler(auth).addHandler(Responses.json(new DeadLettersApi(deadLetterStore)::list));
          b.getRoute("listAudit").addHandler(auth).addHandler(Responses.json(new AuditApi(auditStore)::list));
        }))
        .compose(router -> ServiceHttp.listen(vertx, router, config.common(), config.port(), tls))
        .onSuccess(s -> every(config.retentionInterval(), () -> {
          config.retention().enforce(store, clock.instant())
              .onFailure(e -> LOG.warn("log retention failed: {}", e.getMessage()));
          auditStore.removeOld(clock.instant())
              .onFailure(e -> LOG.warn("audit retention failed: {}", e.getMessage()));
        }));
  }

  /** A dead letter as published; anything else on the topic cannot be stored (not retried). */
  private static DeadLetter decode(String value) {
    try {
      return DeadLetter.from(new io.vertx.core.json.JsonObject(value));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a dead letter: " + e.getMessage(), e);
    }
  }
}
