package org.otplatform.lss;

import org.otplatform.common.tls.ServiceTls;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import org.otplatform.common.events.LssDrainRequested;
import org.otplatform.common.events.LssHeartbeat;
import org.otplatform.common.events.Topics;
import org.otplatform.common.http.ErrorHandler;
import org.otplatform.common.http.HttpHardening;
import org.otplatform.common.http.ServiceHttp;
import org.otplatform.common.kafka.BroadcastConsumer;
import org.otplatform.common.kafka.EventPublisher;
import org.otplatform.common.service.Dependencies;
import org.otplatform.common.service.DependencyException;
import org.otplatform.lss.k8s.KubernetesSpawner;
import org.otplatform.lss.k8s.PodModel;
import org.otplatform.lss.local.LocalProcessSpawner;
import org.otplatform.lss.session.CommandIntake;
import org.otplatform.lss.session.SessionSupervisor;
import org.otplatform.lss.spawn.Spawner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LSS: consumes session commands as a member of the {@code lss} consumer group (instances share
 * the work; a drained one leaves it, see {@link CommandIntake}), runs sessions' compute services,
 * publishes heartbeats, follows drain requests on the registry topic. HTTP is health and metrics
 * only.
 */
public final class LssVerticle extends VerticleBase {
  private ServiceTls tls;
  private static final Logger LOG = LoggerFactory.getLogger(LssVerticle.class);

  private final LssConfig config;
  private EventPublisher publisher;
  private CommandIntake intake;
  /** Drain requests for this LSS, on the registry topic. */
  private BroadcastConsumer registry;
  private SessionSupervisor supervisor;
  private HttpServer server;
  private KubernetesClient kubernetes;

  public LssVerticle(LssConfig config) {
    this.config = config;
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    tls = ServiceTls.start(vertx, config.common().tls());
    String lssId = config.common().instanceId();
    publisher = new EventPublisher(vertx, config.common().kafka(), lssId);
    Spawner spawner = spawner(lssId);
    supervisor = new SessionSupervisor(vertx, spawner, publisher, config);
    intake = new CommandIntake(vertx, config.common().kafka(), lssId, supervisor);
    registry = new BroadcastConsumer(vertx, config.common().kafka(), lssId, Topics.REGISTRY, json -> {
      if ("LssDrainRequested".equals(json.getString("type"))) {
        LssDrainRequested request = LssDrainRequested.decode(json);
        if (request.lssId().equals(lssId)) {
          intake.drain(request.drain()).onFailure(e -> LOG.error("could not {}: {}",
              request.drain() ? "drain" : "end the drain", e.getMessage(), e));
        }
      }
    });
    HealthChecks readiness = HealthChecks.create(vertx)
        .register("kafka-consumer", p -> p.complete(intake.isReading() ? Status.OK() : Status.KO()));
    Router router = Router.router(vertx);
    HttpHardening.install(router, config.common());
    ServiceHttp.addStandardRoutes(vertx, router, null, readiness);
    ErrorHandler.install(router);

    return Dependencies.awaitKafka(vertx, config.common(), config.common().startupTimeout())
        .compose(v -> spawner instanceof KubernetesSpawner k8s ? k8s.watch().recover(e -> Future.failedFuture(
            new DependencyException("cannot watch pods in namespace " + config.namespace() + ": " + e.getMessage(),
                e))) : Future.succeededFuture())
        .compose(v -> intake.start())
        .compose(v -> registry.start())
        .compose(v -> ServiceHttp.listen(vertx, router, config.common().host(), config.port(), tls))
        .onSuccess(s -> {
          server = s;
          heartbeat(lssId);
          vertx.setPeriodic(config.heartbeat().toMillis(), t -> heartbeat(lssId));
          LOG.info("LSS {} ({} mode, capacity {}) listening on port {}", lssId, config.mode(), config.capacity(),
              s.actualPort());
        });
  }

  /** The spawner of the configured mode; the Kubernetes client shares this Vert.x instance. */
  private Spawner spawner(String lssId) {
    if (config.mode().equals(LssConfig.KUBERNETES)) {
      kubernetes = new KubernetesClientBuilder().withHttpClientFactory(new Vertx5HttpClientFactory(vertx)).build();
      return new KubernetesSpawner(vertx, kubernetes,
          new PodModel.Target(config.namespace(), lssId, config.podDeadline().toSeconds(), config.computeTlsSecret()),
          config.apiLimits(), config.followPodLogs());
    }
    return new LocalProcessSpawner(vertx, config.computeClasspath(), config.computeHost(), config.common().tls());
  }

  private void heartbeat(String lssId) {
    publisher.publish(Topics.REGISTRY, LssHeartbeat.of(lssId, config.mode(), supervisor.capacity(),
        supervisor.sessionIds(), supervisor.untrackedSessionIds(), intake.isDraining())).onFailure(e -> LOG.warn("heartbeat not published: {}", e.getMessage()));
  }

  @Override
  public Future<?> stop() {
    tls.close();
    Future<Void> closeConsumer = Future.join(intake == null ? Future.succeededFuture() : intake.close(),
        registry == null ? Future.succeededFuture() : registry.close()).mapEmpty();
    return closeConsumer
        .eventually(() -> supervisor == null ? Future.succeededFuture() : supervisor.shutdown())
        .eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> publisher == null ? Future.succeededFuture() : publisher.close())
        .eventually(() -> {
          if (kubernetes != null) {
            kubernetes.close();
          }
          return Future.succeededFuture();
        });
  }
}
