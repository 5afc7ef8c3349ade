package org.otplatform.lss.local;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.lss.spawn.SpawnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm processes of a local spawner: for each spec the catalog keeps warm, so many ready,
 * unassigned processes, each replaced as soon as it is claimed or lost. A claim takes one off its
 * queue (a queue is taken from by one claim at a time, so no process serves two sessions) and
 * assigns it; one that refuses is stopped and the next is tried. A spec whose warm processes keep
 * failing to start is retried with a growing pause (up to a minute), never in a tight loop.
 */
final class WarmProcesses {
  private static final Logger LOG = LoggerFactory.getLogger(WarmProcesses.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long MAX_PAUSE_MS = 60_000;

  private final Vertx vertx;
  private final LocalProcessSpawner spawner;
  private final Context context;
  private final Map<ServiceSpec, Integer> wanted = new ConcurrentHashMap<>();
  private final Map<ServiceSpec, ConcurrentLinkedDeque<ComputeProcess>> ready = new ConcurrentHashMap<>();
  private final Map<ServiceSpec, Integer> launching = new ConcurrentHashMap<>();
  private final Map<ServiceSpec, Integer> failures = new ConcurrentHashMap<>();
  private volatile Map<String, String> env = Map.of();
  private volatile boolean closed;

  WarmProcesses(Vertx vertx, LocalProcessSpawner spawner) {
    this.vertx = vertx;
    this.spawner = spawner;
    this.context = vertx.getOrCreateContext();
  }

  /** A warm process's assignment secret: 256 random bits. */
  static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** From now on keeps {@code counts} of each spec ready; the warm processes of specs left out are stopped. */
  void keep(Map<ServiceSpec, Integer> counts, Map<String, String> launchEnv) {
    context.runOnContext(v -> {
      env = Map.copyOf(launchEnv);
      new ArrayList<>(wanted.keySet()).stream().filter(s -> !counts.containsKey(s)).forEach(wanted::remove);
      wanted.putAll(counts);
      new ArrayList<>(ready.keySet()).forEach(this::trim);
      counts.keySet().forEach(spec -> {
        LOG.info("keeping {} warm {} process(es)", counts.get(spec), spec.name());
        refill(spec);
      });
    });
  }

  /** Takes a ready process of {@code spec} and assigns it to {@code sessionId}; empty when there is none. */
  Future<Optional<ComputeProcess>> claim(String sessionId, ServiceSpec spec) {
    ConcurrentLinkedDeque<ComputeProcess> queue = ready.get(spec);
    ComputeProcess taken = queue == null ? null : queue.pollFirst();
    if (taken == null) {
      return Future.succeededFuture(Optional.empty());
    }
    context.runOnContext(v -> refill(spec));
    if (!taken.process.isAlive()) {
      return claim(sessionId, spec);
    }
    return spawner.assign(taken, sessionId).map(v -> {
      LOG.atInfo().addKeyValue("session", sessionId).log("{} is warm process {} (pid {}), assigned to the session",
          spec.name(), taken.output.out().getFileName(), taken.pid());
      return Optional.of(taken);
    }).recover(e -> {
      LOG.atWarn().addKeyValue("session", sessionId).log("warm {} (pid {}) could not be assigned ({}); stopping it",
          spec.name(), taken.pid(), e.getMessage());
      return spawner.discard(taken).transform(r -> claim(sessionId, spec));
    });
  }

  /** How many are ready now, by spec. */
  Map<ServiceSpec, Integer> ready() {
    Map<ServiceSpec, Integer> counts = new HashMap<>();
    ready.forEach((spec, queue) -> counts.put(spec, queue.size()));
    return counts;
  }

  /** The LSS stops: no more launches (the spawner stops every live process, warm ones too). */
  void close() {
    closed = true;
  }

  private ConcurrentLinkedDeque<ComputeProcess> queue(ServiceSpec spec) {
    return ready.computeIfAbsent(spec, k -> new ConcurrentLinkedDeque<>());
  }

  /** Launches what is missing of {@code spec}'s count, on the pool's context. */
  private void refill(ServiceSpec spec) {
    int missing = wanted.getOrDefault(spec, 0) - queue(spec).size() - launching.getOrDefault(spec, 0);
    for (int i = 0; i < missing && !closed; i++) {
      launching.merge(spec, 1, Integer::sum);
      spawner.launchReady(null, spec, env, context).onComplete(r -> {
        launching.merge(spec, -1, Integer::sum);
        if (r.succeeded()) {
          failures.remove(spec);
          admit(spec, r.result());
        } else {
          retryLater(spec, r.cause());
        }
      });
    }
  }

  private void admit(ServiceSpec spec, ComputeProcess process) {
    if (closed || queue(spec).size() >= wanted.getOrDefault(spec, 0)) {
      spawner.discard(process); // scaled down while it started
      return;
    }
    queue(spec).addLast(process);
    LOG.info("warm {} ready (pid {}; {} of {})", spec.name(), process.pid(), queue(spec).size(),
        wanted.getOrDefault(spec, 0));
    process.process.onExit().thenRun(() -> context.runOnContext(v -> {
      if (queue(spec).remove(process) && !closed && wanted.containsKey(spec)) {
        LOG.warn("warm {} (pid {}) exited with code {} before any session had it; starting another", spec.name(),
            process.pid(), process.process.exitValue());
        retryLater(spec, new SpawnException("exited", process.process.exitValue()));
      }
    }));
  }

  private void retryLater(ServiceSpec spec, Throwable cause) {
    if (closed || !wanted.containsKey(spec)) {
      return;
    }
    int n = failures.merge(spec, 1, Integer::sum);
    long pause = Math.min(MAX_PAUSE_MS, 1_000L << Math.min(n - 1, 16));
    LOG.warn("a warm {} process did not start or did not last ({}); trying again in {} ms", spec.name(),
        cause.getMessage(), pause);
    vertx.setTimer(pause, t -> context.runOnContext(v -> refill(spec)));
  }

  /** Stops the ready processes of {@code spec} beyond its count (all of them when it is no longer kept). */
  private void trim(ServiceSpec spec) {
    ConcurrentLinkedDeque<ComputeProcess> queue = queue(spec);
    List<ComputeProcess> extra = new ArrayList<>();
    while (queue.size() > wanted.getOrDefault(spec, 0)) {
      ComputeProcess p = queue.pollLast();
      if (p == null) {
        break;
      }
      extra.add(p);
    }
    extra.forEach(p -> {
      LOG.info("stopping warm {} (pid {}): fewer are kept now", spec.name(), p.pid());
      spawner.discard(p);
    });
  }
}
