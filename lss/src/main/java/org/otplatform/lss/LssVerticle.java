package org.otplatform.lss;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import java.util.HashMap;
import java.util.Map;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.common.events.LssClaimGranted;
import org.otplatform.common.events.LssDrainRequested;
import org.otplatform.common.events.LssHeartbeat;
import org.otplatform.common.events.LssReleaseRequested;
import org.otplatform.common.events.Topics;
import org.otplatform.common.http.ErrorHandler;
import org.otplatform.common.http.HttpHardening;
import org.otplatform.common.http.ServiceHttp;
import org.otplatform.common.kafka.BroadcastConsumer;
import org.otplatform.common.kafka.DeadLetters;
import org.otplatform.common.kafka.EventPublisher;
import org.otplatform.common.kafka.KafkaSupport;
import org.otplatform.common.kafka.KeyOrderedConsumer;
import org.otplatform.common.service.Dependencies;
import org.otplatform.common.service.DependencyException;
import org.otplatform.common.service.ServiceLauncher;
import org.otplatform.common.service.ServiceVerticle;
import org.otplatform.common.tracing.Traces;
import org.otplatform.lss.k8s.KubernetesSpawner;
import org.otplatform.lss.k8s.PodModel;
import org.otplatform.lss.local.LocalProcessSpawner;
import org.otplatform.lss.local.OutputSpool;
import org.otplatform.lss.session.CommandIntake;
import org.otplatform.lss.session.SessionSupervisor;
import org.otplatform.lss.spawn.Spawner;
import org.otplatform.lss.spawn.StorageRemovals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LSS: consumes session commands as a member of its pool's consumer group (instances of a pool
 * share the work; a drained one leaves it, see {@link CommandIntake}), runs sessions' compute services,
 * publishes heartbeats, follows drain requests on the registry topic. HTTP is health and metrics
 * only.
 */
public final class LssVerticle extends ServiceVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(LssVerticle.class);
  private final LssConfig config;

  public LssVerticle(LssConfig config) {
    super("LSS " + config.common().instanceId() + " (" + config.mode().wireName() + " mode, pool " + config.pool()
        + ", capacity " + config.capacity() + ")", config.common());
    this.config = config;
  }

  @Override
  protected Future<HttpServer> startService() {
    String lssId = config.common().instanceId();
    Spawner spawner = spawner(lssId);
    // Stopped in reverse: the consumers first, then the sessions (whose last events still go out).
    EventPublisher publisher = closeAtStop(new EventPublisher(vertx, config.common().kafka(), lssId),
        EventPublisher::close);
    SessionSupervisor supervisor = closeAtStop(new SessionSupervisor(vertx, spawner, publisher, config),
        SessionSupervisor::shutdown);
    // What the LSS autoscaler reads (deploy/k8s/components/autoscaling): sessions run here, and room.
    Gauge.builder("ot_lss_sessions", supervisor, SessionSupervisor::load)
        .description("Sessions this LSS runs (starting or running)")
        .tag("pool", config.pool())
        .register(ServiceLauncher.meterRegistry(vertx));
    Gauge.builder("ot_lss_capacity", supervisor, SessionSupervisor::capacity)
        .description("Sessions this LSS takes at most (OT_LSS_CAPACITY)")
        .tag("pool", config.pool())
        .register(ServiceLauncher.meterRegistry(vertx));
    Gauge.builder("ot_lss_warm_ready", spawner, Spawner::warmReady)
        .description("Warm compute instances ready for a session's claim")
        .tag("pool", config.pool())
        .register(ServiceLauncher.meterRegistry(vertx));
    DeadLetters deadLetters = new DeadLetters(publisher, ServiceLauncher.meterRegistry(vertx), "lss", lssId,
        java.time.Clock.systemUTC());
    CommandIntake intake = new CommandIntake(vertx, config.common().kafka(), lssId, config.pool(), supervisor,
        deadLetters);
    // Drain requests, claims granted and releases for this LSS, on the registry topic.
    BroadcastConsumer registry = new BroadcastConsumer(vertx, config.common().kafka(), lssId, Topics.REGISTRY,
        json -> {
          if ("LssDrainRequested".equals(json.getString("type"))) {
            LssDrainRequested request = LssDrainRequested.decode(json);
            if (request.lssId().equals(lssId)) {
              intake.drain(request.drain()).onFailure(e -> LOG.error("could not {}: {}",
                  request.drain() ? "drain" : "end the drain", e.getMessage(), e));
            }
          } else if ("LssClaimGranted".equals(json.getString("type"))) {
            LssClaimGranted grant = LssClaimGranted.decode(json);
            if (grant.lssId().equals(lssId)) {
              supervisor.granted(grant.sessionId());
            }
          } else if ("LssReleaseRequested".equals(json.getString("type"))) {
            LssReleaseRequested request = LssReleaseRequested.decode(json);
            if (request.lssId().equals(lssId)) {
              supervisor.release(request.sessionId(), request.heldBy()).onFailure(e -> LOG.atError()
                  .addKeyValue("session", request.sessionId()).log("could not let go of session {}: {}",
                      request.sessionId(), e.getMessage(), e));
            }
          }
        });
    // Projects deleted with their storage lose their volumes: one LSS acts on each (its own group).
    StorageRemovals removals = new StorageRemovals(spawner);
    KeyOrderedConsumer audit = new KeyOrderedConsumer(vertx, KafkaSupport.consumerConfig(config.common().kafka(),
        "lss-storage", lssId), Topics.AUDIT, 4, record -> removals.onRecord(record.value()), deadLetters);
    closeTogetherAtStop(intake::close, registry::close, audit::close);
    HealthChecks readiness = HealthChecks.create(vertx)
        .register("kafka-consumer", p -> p.complete(intake.isReading() && registry.isAssigned() ? Status.OK()
            : Status.KO()));
    Router router = Router.router(vertx);
    HttpHardening.install(router, config.common());
    ServiceHttp.addStandardRoutes(vertx, router, null, readiness);
    ErrorHandler.install(router);

    Runnable heartbeat = () -> publisher.publish(Topics.REGISTRY, LssHeartbeat.of(lssId, config.pool(), config.mode().wireName(),
            supervisor.capacity(), supervisor.sessionIds(), supervisor.untrackedSessionIds(), intake.isDraining()))
        .onFailure(e -> LOG.warn("heartbeat not published: {}", e.getMessage()));
    return Dependencies.awaitKafka(vertx, config.common(), config.common().startupTimeout())
        .compose(v -> spawner.watch().recover(e -> Future.failedFuture(new DependencyException(
            "cannot watch pods in namespace " + config.namespace() + ": " + e.getMessage(), e))))
        .onSuccess(v -> keepWarm(spawner))
        // The registry first: an open taken is answered there (the claim granted), so it must be read.
        .compose(v -> registry.start())
        .compose(v -> registry.assignment())
        .compose(v -> intake.start())
        .compose(v -> audit.start())
        .compose(v -> ServiceHttp.listen(vertx, router, config.common(), config.port(), tls))
        .onSuccess(s -> {
          heartbeat.run();
          every(config.heartbeat(), heartbeat);
        });
  }

  /**
   * The warm instances the catalog asks this LSS's pool to keep: for each type and profile of the
   * pool with {@code warm}, that many of each of its services (the largest count where two ask for
   * the same service). With a collector, they export to it as started ones do.
   */
  private void keepWarm(Spawner spawner) {
    Map<ServiceSpec, Integer> counts = new HashMap<>();
    config.catalog().types().values().forEach(type -> type.warmProfiles().forEach((profile, n) -> {
      if (type.poolFor(profile).equals(config.pool())) {
        type.servicesFor(profile).forEach(spec -> counts.merge(spec, n, Math::max));
      }
    }));
    if (counts.isEmpty()) {
      return;
    }
    Map<String, String> env = new HashMap<>(Traces.environment(vertx));
    env.keySet().removeIf(k -> k.startsWith("TRACE")); // no trace to continue: a warm start belongs to none
    spawner.keepWarm(counts, env);
  }

  /**
   * The spool directory, made now and held by this LSS until it stops: one it cannot make, or
   * another LSS holds, stops the LSS (a configuration error, exit 78).
   */
  private OutputSpool spool() {
    try {
      OutputSpool spool = new OutputSpool(config.spoolDir());
      closeAtStop(spool.claim(), claim -> {
        try {
          claim.close();
        } catch (java.io.IOException e) {
          LOG.warn("cannot release the spool {}: {}", config.spoolDir(), e.getMessage());
        }
        return Future.succeededFuture();
      });
      return spool;
    } catch (java.io.IOException e) {
      throw new org.otplatform.common.config.ConfigException(("OT_LSS_SPOOL_DIR: cannot use "
          + config.spoolDir() + ": " + e));
    }
  }

  /** The spawner of the configured mode; the Kubernetes client shares this Vert.x instance. */
  private Spawner spawner(String lssId) {
    return switch (config.mode()) {
      case KUBERNETES -> {
        KubernetesClient kubernetes = closeAtStop(new KubernetesClientBuilder()
            .withHttpClientFactory(new Vertx5HttpClientFactory(vertx)).build(), k -> {
              k.close();
              return Future.succeededFuture();
            });
        yield new KubernetesSpawner(vertx, kubernetes, new PodModel.Target(config.namespace(), lssId,
            config.podDeadline().toSeconds(), config.computeTlsSecret(), config.pool()), config.apiLimits(),
            config.followPodLogs(), config.common().tls());
      }
      case LOCAL -> new LocalProcessSpawner(vertx, config.computeClasspath(), config.computeHost(),
          config.common().tls(), config.computeIdentity(), spool(), config.storageDir());
    };
  }
}
