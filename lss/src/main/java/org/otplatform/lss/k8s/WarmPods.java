package org.otplatform.lss.k8s;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.compute.contract.ComputeContract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm pods of an LSS pool: for each spec the catalog keeps warm, so many ready pods of no
 * session (labelled {@link PodModel#WARM} with the spec's hash and {@link PodModel#POOL}). The
 * pods are the pool's, not one LSS's: every LSS of the pool reconciles them from its informer's
 * cache — creating the missing ones in the lowest free slots (two LSSs pick the same names, and the
 * second's create is a 409), deleting failed ones, the extras (highest slots first) and warm pods of
 * specs no longer kept — at start, every few seconds and after each claim. A claim relabels a
 * ready one to the session ({@link PodApi#claim}: conditional on the version read, so two opens
 * never get one pod; two claims of one LSS never try the same pod at once) and assigns it over the
 * compute contract; a pod that refuses is deleted and the next is tried.
 */
final class WarmPods {
  private static final Logger LOG = LoggerFactory.getLogger(WarmPods.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long RECONCILE_MS = 5_000;
  /** Slots looked at for a free one: claimed pods keep their slot's name until their session ends. */
  private static final int MAX_SLOTS = 4_096;

  private final Vertx vertx;
  private final PodApi api;
  private final PodModel.Target target;
  private final HttpClient assigner;
  private final Context context;
  /** The kept specs by their hash, and how many of each. */
  private volatile Map<String, Kept> kept = Map.of();
  private volatile Map<String, String> env = Map.of();
  private final Set<String> creating = new HashSet<>();
  /** Warm pods a claim of this LSS is taking: another claim here tries the next one instead. */
  private final Set<String> taking = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private long timer = -1;
  private boolean reconciling;
  private boolean again;

  private record Kept(ServiceSpec spec, int count) {}

  WarmPods(Vertx vertx, PodApi api, PodModel.Target target, TlsSettings tls) {
    this.vertx = vertx;
    this.api = api;
    this.target = target;
    this.context = vertx.getOrCreateContext();
    this.assigner = vertx.createHttpClient(tls.client(new HttpClientOptions().setConnectTimeout(2_000)));
  }

  /** From now on keeps {@code counts} of each spec (those with an image and no volume); reconciles at once. */
  void keep(Map<ServiceSpec, Integer> counts, Map<String, String> launchEnv) {
    Map<String, Kept> next = new HashMap<>();
    counts.forEach((spec, n) -> {
      if (spec.image() != null && spec.volume() == null && n > 0) {
        next.put(PodModel.warmHash(spec, target), new Kept(spec, n));
        LOG.info("keeping {} warm {} pod(s) for pool {}", n, spec.name(), target.pool());
      }
    });
    context.runOnContext(v -> {
      kept = Map.copyOf(next);
      env = Map.copyOf(launchEnv);
      if (timer == -1 && !next.isEmpty()) {
        timer = vertx.setPeriodic(RECONCILE_MS, t -> reconcile());
      }
      reconcile();
    });
  }

  /** How many warm pods of the pool are ready now. */
  int ready() {
    return (int) pool().filter(p -> kept.containsKey(hashOf(p)))
        .filter(p -> PodState.of(p, 0) instanceof PodState.Ready).count();
  }

  /**
   * A ready warm pod of {@code spec}, now the session's and assigned to it; empty when none could
   * be had (then the session's pod is created as without warm pods).
   */
  Future<Optional<Pod>> claim(String sessionId, ServiceSpec spec) {
    String hash = PodModel.warmHash(spec, target);
    if (!kept.containsKey(hash)) {
      return Future.succeededFuture(Optional.empty());
    }
    List<Pod> candidates = pool().filter(p -> hash.equals(hashOf(p)))
        .filter(p -> PodState.of(p, spec.port()) instanceof PodState.Ready)
        .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    return claimFirst(sessionId, spec, candidates, 0).onComplete(r -> context.runOnContext(v -> reconcile()));
  }

  private Future<Optional<Pod>> claimFirst(String sessionId, ServiceSpec spec, List<Pod> candidates, int i) {
    if (i >= candidates.size()) {
      return Future.succeededFuture(Optional.empty());
    }
    String name = candidates.get(i).getMetadata().getName();
    if (!taking.add(name)) {
      return claimFirst(sessionId, spec, candidates, i + 1);
    }
    return claimOne(sessionId, spec, candidates, i).onComplete(r -> taking.remove(name));
  }

  private Future<Optional<Pod>> claimOne(String sessionId, ServiceSpec spec, List<Pod> candidates, int i) {
    Pod warm = candidates.get(i);
    String name = warm.getMetadata().getName();
    return api.claim(warm, sessionId).compose(claimed -> assign(claimed, sessionId, spec).map(v -> {
      LOG.atInfo().addKeyValue("session", sessionId).log("{} is warm pod {}, assigned to the session", spec.name(), name);
      return Optional.of(claimed);
    }).recover(e -> {
      LOG.atWarn().addKeyValue("session", sessionId).log("warm pod {} could not be assigned ({}); deleting it", name,
          e.getMessage());
      return api.delete(name).transform(r -> claimFirst(sessionId, spec, candidates, i + 1));
    }), e -> {
      LOG.atDebug().addKeyValue("session", sessionId).log("warm pod {} was not ours to take ({})", name, e.getMessage());
      return claimFirst(sessionId, spec, candidates, i + 1);
    });
  }

  /** The compute contract's {@code POST /assign} to the pod, with the token in its spec. */
  private Future<Void> assign(Pod pod, String sessionId, ServiceSpec spec) {
    if (!(PodState.of(pod, spec.port()) instanceof PodState.Ready ready)) {
      return Future.failedFuture(new IllegalStateException("not ready any more"));
    }
    String token = pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> ComputeContract.ASSIGN_TOKEN.equals(e.getName())).map(EnvVar::getValue).findFirst().orElse(null);
    if (token == null) {
      return Future.failedFuture(new IllegalStateException("it has no " + ComputeContract.ASSIGN_TOKEN));
    }
    int colon = ready.endpoint().lastIndexOf(':');
    String body = new JsonObject().put("sessionId", sessionId).encode();
    return assigner.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setHost(ready.endpoint().substring(0, colon)).setPort(Integer.parseInt(ready.endpoint().substring(colon + 1)))
            .setURI(ComputeContract.ASSIGN_PATH).setTimeout(10_000)
            .putHeader("authorization", "Bearer " + token).putHeader("content-type", "application/json"))
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().compose(text -> resp.statusCode() == 200 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new IllegalStateException("HTTP " + resp.statusCode() + ": " + text))));
  }

  /** Stops reconciling (the LSS stops; its warm pods stay for the pool's other LSSs, or its next start). */
  void close() {
    context.runOnContext(v -> vertx.cancelTimer(timer));
    assigner.close();
  }

  /** The pool's warm pods (still warm: not claimed), not being deleted. */
  private java.util.stream.Stream<Pod> pool() {
    String pool = PodModel.labelValue(target.pool());
    return api.cached().stream()
        .filter(p -> hashOf(p) != null && pool.equals(p.getMetadata().getLabels().get(PodModel.POOL)))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null);
  }

  private static String hashOf(Pod pod) {
    return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(PodModel.WARM);
  }

  /** One pass at a time; a pass asked for while one runs runs after it. */
  private void reconcile() {
    if (reconciling) {
      again = true;
      return;
    }
    reconciling = true;
    pass().onComplete(r -> {
      if (r.failed()) {
        LOG.warn("warm pods of pool {} not reconciled: {}", target.pool(), r.cause().getMessage());
      }
      reconciling = false;
      if (again) {
        again = false;
        reconcile();
      }
    });
  }

  private Future<Void> pass() {
    Map<String, Kept> wanted = kept;
    List<Future<?>> work = new ArrayList<>();
    Map<String, List<Pod>> live = new HashMap<>();
    pool().forEach(p -> {
      String hash = hashOf(p);
      if (!wanted.containsKey(hash)) {
        work.add(deleted(p, "its spec is no longer kept warm"));
      } else if (PodState.of(p, wanted.get(hash).spec().port()) instanceof PodState.Failed failed) {
        work.add(deleted(p, "it failed: " + failed.reason()));
      } else {
        live.computeIfAbsent(hash, k -> new ArrayList<>()).add(p);
      }
    });
    Set<String> names = new HashSet<>();
    api.cached().forEach(p -> names.add(p.getMetadata().getName()));
    wanted.forEach((hash, k) -> {
      List<Pod> have = new ArrayList<>(live.getOrDefault(hash, List.of()));
      // The extras: not ready first, then the highest slots.
      have.sort(Comparator.<Pod, Boolean>comparing(p -> PodState.of(p, k.spec().port()) instanceof PodState.Ready)
          .thenComparing(p -> p.getMetadata().getName(), Comparator.reverseOrder()));
      for (int i = 0; i < have.size() - k.count(); i++) {
        work.add(deleted(have.get(i), "fewer are kept now"));
      }
      int missing = k.count() - have.size() - (int) creating.stream().filter(n -> n.contains("-" + hash + "-")).count();
      for (int slot = 0; missing > 0 && slot < MAX_SLOTS; slot++) {
        String name = PodModel.warmName(k.spec().name(), hash, slot);
        if (!names.contains(name) && !creating.contains(name)) {
          work.add(create(k.spec(), slot, name));
          missing--;
        }
      }
    });
    return Future.join(new ArrayList<>(work)).mapEmpty();
  }

  private Future<?> create(ServiceSpec spec, int slot, String name) {
    creating.add(name);
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    Pod pod = PodModel.buildWarm(spec, slot, java.util.HexFormat.of().formatHex(secret), env, target);
    return api.create(pod).onComplete(r -> context.runOnContext(v -> creating.remove(name)))
        .onSuccess(p -> LOG.info("warm pod {} of {} created", name, spec.name()))
        .onFailure(e -> LOG.warn("could not create warm pod {}: {}", name, e.getMessage()));
  }

  private Future<?> deleted(Pod pod, String why) {
    LOG.info("deleting warm pod {}: {}", pod.getMetadata().getName(), why);
    return api.delete(pod.getMetadata().getName());
  }
}
