package org.otplatform.common.service;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.otplatform.common.config.CommonConfig;
import org.otplatform.common.tls.ServiceTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start and stop every service shares. A service's {@link #startService} opens what it needs,
 * registering how to close each as it goes, and yields its listening HTTP server. At stop, periodic
 * tasks are cancelled and the HTTP server closes first, then the registered resources stage by
 * stage in reverse order — the store registered first closes last, after everything that writes to
 * it — the resources of one stage at once.
 */
public abstract class ServiceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceVerticle.class);

  private final String name;
  private final CommonConfig common;
  private final List<List<Supplier<Future<?>>>> stages = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  /** The platform's TLS (off when no certificates are configured); set before {@link #startService}. */
  protected ServiceTls tls;
  private HttpServer server;

  protected ServiceVerticle(String name, CommonConfig common) {
    this.name = name;
    this.common = common;
  }

  /** Opens the service and yields its HTTP server, listening. */
  protected abstract Future<HttpServer> startService();

  @Override
  public final Future<?> start() {
    tls = ServiceTls.start(vertx, common.tls());
    return startService().onSuccess(s -> {
      server = s;
      LOG.info("{} listening on port {}", name, s.actualPort());
    });
  }

  /** The bound HTTP port (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }

  /** {@code resource}, closed at stop after whatever is registered later; returns it. */
  protected final <T> T closeAtStop(T resource, Function<? super T, Future<?>> close) {
    stages.add(List.of(() -> close.apply(resource)));
    return resource;
  }

  /** One stage of closes run at once, before whatever was registered earlier. */
  @SafeVarargs
  protected final void closeTogetherAtStop(Supplier<Future<?>>... closes) {
    stages.add(List.of(closes));
  }

  /** Runs {@code task} every {@code interval} until the service stops. */
  protected final void every(Duration interval, Runnable task) {
    timers.add(vertx.setPeriodic(interval.toMillis(), t -> task.run()));
  }

  @Override
  public final Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    if (tls != null) {
      tls.close();
    }
    Future<?> stopped = server == null ? Future.succeededFuture() : server.close();
    for (int i = stages.size() - 1; i >= 0; i--) {
      List<Supplier<Future<?>>> stage = stages.get(i);
      stopped = stopped.eventually(() -> Future.join(stage.stream().<Future<?>>map(close -> {
        try {
          return close.get();
        } catch (RuntimeException e) {
          return Future.failedFuture(e);
        }
      }).toList()).otherwise(e -> {
        LOG.warn("{}: closing failed: {}", name, e.getMessage());
        return null;
      }));
    }
    return stopped;
  }
}
