package org.otplatform.common.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.util.function.Supplier;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.kafka.KafkaSupport;
import org.otplatform.common.tls.TlsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Start-up probes and readiness checks for Kafka and MongoDB. */
public final class Dependencies {
  private static final Logger LOG = LoggerFactory.getLogger(Dependencies.class);

  private Dependencies() {}

  /**
   * A shared Mongo client for one service's database. When the connection string asks for TLS
   * ({@code tls=true}) and the service has certificates ({@code OT_TLS_*}), the client presents the
   * service's certificate and trusts the platform CA: mutual TLS with a {@code mongod} that requires
   * client certificates. The files are read when the client connects (a renewal takes effect at the
   * next start, unlike the HTTP servers' and clients').
   */
  public static MongoClient mongo(Vertx vertx, CommonConfig config, String database) {
    return MongoClient.createShared(vertx, options(config, database), database);
  }

  private static JsonObject options(CommonConfig config, String database) {
    JsonObject options = new JsonObject()
        .put("connection_string", config.mongoUri())
        .put("db_name", database)
        .put("serverSelectionTimeoutMS", 5_000)
        .put("connectTimeoutMS", 5_000);
    TlsSettings tls = config.tls();
    if (tls.enabled()) {
      // Used only when the connection string turns TLS on; harmless otherwise.
      options.put("caPath", tls.ca().toString()).put("certPath", tls.cert().toString())
          .put("keyPath", tls.key().toString());
    }
    return options;
  }

  /** Pings MongoDB, retrying until {@code timeout}; fails with a {@link DependencyException}. */
  public static Future<Void> awaitMongo(Vertx vertx, MongoClient mongo, CommonConfig config, Duration timeout) {
    return retry(vertx, () -> mongo.runCommand("ping", new JsonObject().put("ping", 1)).mapEmpty(),
        timeout, "MongoDB at " + config.redactedMongoUri());
  }

  /** Creates the platform's topics, retrying until {@code timeout}; the Kafka start-up probe. */
  public static Future<Void> awaitKafka(Vertx vertx, CommonConfig config, Duration timeout) {
    return retry(vertx, () -> KafkaSupport.ensureTopics(vertx, config.kafka(), 6, config.topicReplication()),
        timeout, "Kafka at " + config.kafka());
  }

  /** Readiness: MongoDB answers a ping. */
  public static void mongoCheck(MongoClient mongo, Promise<Status> promise) {
    mongo.runCommand("ping", new JsonObject().put("ping", 1))
        .onSuccess(r -> promise.complete(Status.OK()))
        .onFailure(e -> promise.complete(Status.KO(new JsonObject().put("error", e.getMessage()))));
  }

  static Future<Void> retry(Vertx vertx, Supplier<Future<Void>> attempt, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Promise<Void> promise = Promise.promise();
    tryOnce(vertx, attempt, deadline, what, 200, promise);
    return promise.future();
  }

  private static void tryOnce(Vertx vertx, Supplier<Future<Void>> attempt, long deadline, String what,
      long delayMs, Promise<Void> promise) {
    attempt.get().onComplete(r -> {
      if (r.succeeded()) {
        promise.complete();
      } else if (System.nanoTime() > deadline) {
        promise.fail(new DependencyException("cannot reach " + what + ": " + r.cause().getMessage(), r.cause()));
      } else {
        LOG.info("waiting for {}: {}", what, r.cause().getMessage());
        vertx.setTimer(delayMs, t -> tryOnce(vertx, attempt, deadline, what, Math.min(delayMs * 2, 2_000), promise));
      }
    });
  }
}
