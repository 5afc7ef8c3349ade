package org.otplatform.common.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.net.BindException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.otplatform.common.ExitCodes;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.config.ConfigException;
import org.otplatform.common.config.Env;
import org.otplatform.common.logging.LogShipping;
import org.otplatform.common.tracing.Tracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one service: reads and validates its configuration, creates its Vert.x instance (with
 * Prometheus metrics under the service's name), deploys it and maps every failure to a documented
 * exit code. Used by each service's {@code main} and, without exiting, by the embedded platform.
 */
public final class ServiceLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceLauncher.class);
  private static final java.util.concurrent.atomic.AtomicInteger REGISTRIES = new java.util.concurrent.atomic.AtomicInteger();
  private static final String METRICS_MAP = "ot.metrics";
  private static final String REGISTRY_KEY = "registry";

  private ServiceLauncher() {}

  /** A started service: its Vert.x instance and a way to stop it. */
  public record Running(String name, Vertx vertx) {
    public Future<Void> stop() {
      OpenTelemetry otel = TRACING.remove(vertx);
      TRACING_SETTINGS.remove(vertx);
      return vertx.close().andThen(r -> {
        if (otel != null) {
          Tracing.shutdown(otel);
        }
      });
    }
  }

  /** Each Vert.x instance's OpenTelemetry (see {@link #openTelemetry(Vertx)}). */
  private static final java.util.Map<Vertx, OpenTelemetry> TRACING = new java.util.concurrent.ConcurrentHashMap<>();
  private static final java.util.Map<Vertx, Tracing.Settings> TRACING_SETTINGS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A service's start-up recipe: its name, how to read its configuration, where its common
   * settings are, and how to make its verticle.
   */
  public record Recipe<C>(String name, Function<Env, C> config, Function<C, CommonConfig> common,
      Function<C, Deployable> verticle) {}

  /** Entry point for a service's {@code main}: exits the JVM with a documented code on failure. */
  public static <C> void main(Recipe<C> recipe) {
    C config;
    Tracing.Settings tracing;
    try {
      config = recipe.config().apply(Env.system());
      tracing = Tracing.Settings.from(Env.system());
    } catch (ConfigException e) {
      LOG.error("{} cannot start: {}", recipe.name(), e.getMessage());
      System.exit(ExitCodes.CONFIG);
      return;
    }
    CommonConfig common = recipe.common().apply(config);
    // The line an operator (and the image tests' kube play check) reads as "the settings are valid".
    LOG.info("{} starting: configuration accepted (instance {})", recipe.name(), common.instanceId());
    if (common.shipLogs()) {
      LogShipping.install(common.kafka(), recipe.name(), common.instanceId());
    }
    Running running;
    try {
      running = start(recipe.name(), recipe.verticle().apply(config), tracing).toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      int code = exitCode(cause);
      LOG.error("{} failed to start (exit code {}): {}", recipe.name(), code, cause.getMessage(), cause);
      LogShipping.shutdown();
      System.exit(code);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("{} stopping", recipe.name());
      awaitQuietly(running.stop());
      LogShipping.shutdown();
    }, recipe.name() + "-shutdown"));
  }

  /** Creates a Vert.x instance for the service and deploys its verticle; tracing as the environment says. */
  public static Future<Running> start(String name, Deployable verticle) {
    Tracing.Settings tracing;
    try {
      tracing = Tracing.Settings.from(Env.system());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    return start(name, verticle, tracing);
  }

  /** Creates a Vert.x instance for the service, traced as {@code tracing} says, and deploys its verticle. */
  public static Future<Running> start(String name, Deployable verticle, Tracing.Settings tracing) {
    Vertx vertx = newVertx(name, tracing);
    long begin = System.nanoTime();
    // Not bound to the service's context: it must still complete after that Vert.x is closed.
    Promise<Running> result = Promise.promise();
    vertx.deployVerticle(verticle).onComplete(r -> {
      if (r.succeeded()) {
        LOG.info("{} started in {} ms", name, (System.nanoTime() - begin) / 1_000_000);
        result.complete(new Running(name, vertx));
      } else {
        result.fail(r.cause());
        vertx.close();
      }
    });
    return result.future();
  }

  /**
   * A Vert.x instance with its own Prometheus registry, scraped at {@code /metrics}. Registries are
   * global by name, so each instance gets a unique one (several services, or several platforms in
   * tests, share a JVM); {@link #registryName(Vertx)} finds it again.
   */
  public static Vertx newVertx(String name) {
    return newVertx(name, Tracing.Settings.OFF);
  }

  /**
   * {@link #newVertx(String)} with tracing: Vert.x's OpenTelemetry tracer makes a span of every
   * HTTP request served or sent and of every Kafka record sent within a trace, and propagates
   * {@code traceparent}; {@link #openTelemetry(Vertx)} gives the same SDK to the spans we make.
   */
  public static Vertx newVertx(String name, Tracing.Settings tracing) {
    String registry = name + "-" + REGISTRIES.incrementAndGet();
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(registry)
        .setJvmMetricsEnabled(true)
        // The route's template (/api/v1/sessions/:id), set by Vert.x Web: per route, bounded, no ids.
        .addLabels(io.vertx.micrometer.Label.HTTP_ROUTE)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    OpenTelemetry otel = Tracing.create(name, registry, tracing);
    var builder = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new GuardedMetrics(new MicrometerMetricsFactory()));
    if (tracing.enabled()) {
      builder.withTracer(new OpenTelemetryTracingFactory(otel));
    }
    Vertx vertx = builder.build();
    TRACING.put(vertx, otel);
    TRACING_SETTINGS.put(vertx, tracing);
    vertx.sharedData().getLocalMap(METRICS_MAP).put(REGISTRY_KEY, registry);
    MeterRegistry meters = BackendRegistries.getNow(registry);
    if (meters != null) {
      FunctionCounter.builder("ot_log_records_dropped", LogShipping.class,
              c -> LogShipping.droppedTotal())
          .description("log records not shipped to Kafka: queue full or Kafka unreachable").register(meters);
      Gauge.builder("ot_log_records_queued", LogShipping.class, c -> LogShipping.queued())
          .description("log records waiting to be shipped to Kafka").register(meters);
    }
    return vertx;
  }

  /** The OpenTelemetry of a Vert.x instance made by {@link #newVertx}; a no-op one if it has none. */
  public static OpenTelemetry openTelemetry(Vertx vertx) {
    return TRACING.getOrDefault(vertx, OpenTelemetry.noop());
  }

  /** The tracing settings of a Vert.x instance made by {@link #newVertx}; {@link Tracing.Settings#OFF} if it has none. */
  public static Tracing.Settings tracingSettings(Vertx vertx) {
    return TRACING_SETTINGS.getOrDefault(vertx, Tracing.Settings.OFF);
  }

  /** The Prometheus registry of a Vert.x instance made by {@link #newVertx}, or null. */
  public static String registryName(Vertx vertx) {
    return (String) vertx.sharedData().getLocalMap(METRICS_MAP).get(REGISTRY_KEY);
  }

  /**
   * The meter registry a service registers its own metrics in: its Vert.x instance's Prometheus
   * registry, or a detached one when the instance has none (a verticle deployed on a plain Vert.x
   * in a unit test).
   */
  public static MeterRegistry meterRegistry(Vertx vertx) {
    String name = registryName(vertx);
    MeterRegistry found = name == null ? null : BackendRegistries.getNow(name);
    return found != null ? found : new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  }

  /** Maps a start-up failure to its exit code. */
  public static int exitCode(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConfigException) {
        return ExitCodes.CONFIG;
      }
      // Vert.x runs on NIO here (no native transport on the class path): a taken port is a BindException.
      if (t instanceof BindException) {
        return ExitCodes.CANNOT_BIND;
      }
      if (t instanceof DependencyException) {
        return ExitCodes.DEPENDENCY_UNAVAILABLE;
      }
    }
    return ExitCodes.CRASH;
  }

  private static void awaitQuietly(Future<?> future) {
    CountDownLatch latch = new CountDownLatch(1);
    future.onComplete(r -> latch.countDown());
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        LOG.warn("shutdown did not finish in 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
