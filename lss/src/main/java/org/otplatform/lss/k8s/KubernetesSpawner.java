package org.otplatform.lss.k8s;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.common.tls.TlsSettings;
import org.otplatform.lss.spawn.RunningService;
import org.otplatform.lss.spawn.SpawnException;
import org.otplatform.lss.spawn.Spawner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs compute services as Kubernetes pods through the API (fabric8). Blocking client calls run
 * on a named worker pool; one informer on the platform's compute pods (by label) reports every
 * change, and {@link PodState} turns it into ready, failed, waiting or pending — crash loops and
 * bad images fail at once instead of after the start timeout, while a pod no node fits yet or
 * whose image cannot be pulled yet gets the service's scheduling grace (its start timeout stands
 * still meanwhile) and fails with the last reason only when that runs out. A pod that fails to
 * start is deleted. A second informer on the namespace's events passes what the scheduler, the
 * autoscaler and the kubelet say about a starting pod to the {@link ProgressListener}, throttled.
 *
 * <p>Pods belong to sessions, not to an LSS process: when this LSS stops, its pods keep running,
 * and the LSS that is handed the session next adopts them (a start finds the session's live pod
 * and relabels it) instead of creating a second one. Pods no session of this LSS holds are
 * reported by {@link #untrackedSessions()}, so the GSS can close or hand over their sessions.
 */
public final class KubernetesSpawner implements Spawner {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesSpawner.class);

  private final Vertx vertx;
  private final PodModel.Target target;
  private final WorkerExecutor blocking;
  private final ApiLimiter limiter;
  private final PodApi api;
  private final PodLogs logs;
  private final PodEvents events;
  private final ProjectClaims claims;
  private final WarmPods warm;
  private final boolean followPodLogs;
  private final Map<String, Tracked> pods = new ConcurrentHashMap<>();
  private volatile ProgressListener progress = (session, service, reason, message) -> {};

  /** A pod this spawner started and still follows. */
  private static final class Tracked {
    final String sessionId;
    final ServiceSpec spec;
    final String podName;
    final Context context;
    final Promise<RunningService> ready = Promise.promise();
    final ExitListener onExit;
    volatile RunningService running;
    volatile boolean stopping;
    /** Holds a start slot: until ready, or until a failed pod is deleted. */
    boolean holdsSlot;
    /** The start timeout; not running while the pod waits within its grace. */
    long timer = -1;
    /** What is left of the start timeout while it stands still, and when it was last set going. */
    long startLeftMillis;
    long startSetAt;
    /** Runs while the pod waits for a node or its image; -1 when it does not wait. */
    long graceTimer = -1;
    /** What the cluster said first and last while the pod waits (the first is often the clearest). */
    String firstWait;
    String lastWait;
    /** Whether it waits for a node (else for its image). */
    boolean waitingForNode;
    final EventThrottle throttle = new EventThrottle();

    Tracked(String sessionId, ServiceSpec spec, String podName, Context context, ExitListener onExit) {
      this.sessionId = sessionId;
      this.spec = spec;
      this.podName = podName;
      this.context = context;
      this.onExit = onExit;
    }
  }

  public KubernetesSpawner(Vertx vertx, KubernetesClient client, PodModel.Target target) {
    this(vertx, client, target, ApiLimits.DEFAULT);
  }

  public KubernetesSpawner(Vertx vertx, KubernetesClient client, PodModel.Target target, ApiLimits limits) {
    this(vertx, client, target, limits, true);
  }

  /**
   * @param followPodLogs whether each started pod's log is followed into the log pipeline (a log
   *     stream per pod); false where a cluster log collector ships container logs instead
   */
  public KubernetesSpawner(Vertx vertx, KubernetesClient client, PodModel.Target target, ApiLimits limits,
      boolean followPodLogs) {
    this(vertx, client, target, limits, followPodLogs, TlsSettings.OFF);
  }

  /**
   * @param tls this LSS's certificate: what it assigns warm pods over when they serve TLS
   *     ({@code target.tlsSecret()})
   */
  public KubernetesSpawner(Vertx vertx, KubernetesClient client, PodModel.Target target, ApiLimits limits,
      boolean followPodLogs, TlsSettings tls) {
    this.vertx = vertx;
    this.followPodLogs = followPodLogs;
    this.target = target;
    this.blocking = vertx.createSharedWorkerExecutor("ot-k8s", 4);
    this.limiter = new ApiLimiter(vertx, limits);
    this.api = new PodApi(client, target.namespace(), blocking, limiter);
    this.logs = new PodLogs(vertx, client, target.namespace(), blocking);
    this.events = new PodEvents(client, target.namespace(), blocking);
    this.claims = new ProjectClaims(client, target.namespace(), blocking, limiter);
    this.warm = new WarmPods(vertx, api, target, tls);
  }

  @Override
  public void keepWarm(Map<ServiceSpec, Integer> counts, Map<String, String> env) {
    warm.keep(counts, env);
  }

  @Override
  public int warmReady() {
    return warm.ready();
  }

  /**
   * A warm pod of {@code spec} relabelled to the session and assigned to it, followed from now on
   * as a pod this spawner started; empty when none is ready.
   */
  @Override
  public Future<java.util.Optional<RunningService>> claim(String sessionId, ServiceSpec spec, ExitListener onExit) {
    if (spec.image() == null || spec.volume() != null) {
      return Future.succeededFuture(java.util.Optional.empty());
    }
    Context context = vertx.getOrCreateContext();
    return warm.claim(sessionId, spec).map(found -> found.map(pod -> {
      String name = pod.getMetadata().getName();
      Tracked tracked = new Tracked(sessionId, spec, name, context, onExit);
      PodState.Ready ready = (PodState.Ready) PodState.of(pod, spec.port());
      tracked.running = new RunningService(sessionId, spec.name(), ready.endpoint(), name);
      tracked.ready.tryComplete(tracked.running);
      pods.put(name, tracked);
      if (followPodLogs) {
        logs.follow(name, pod.getSpec().getContainers().get(0).getName(), sessionId, spec.name());
      }
      return tracked.running;
    }));
  }

  /** Starts following this LSS's pods and their events; call before the first {@link #start}. */
  @Override
  public Future<Void> watch() {
    return api.watch(this::changed, this::deleted).compose(v -> events.watch(this::podEvent));
  }

  @Override
  public void onProgress(ProgressListener listener) {
    this.progress = listener;
  }

  @Override
  public Future<RunningService> start(String sessionId, ServiceSpec spec, int attempt, ExitListener onExit) {
    Pod desired;
    try {
      desired = PodModel.build(sessionId, spec, attempt, target);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new SpawnException(e.getMessage(), null, SpawnException.Cause.INVALID));
    }
    // A live pod of this session's service (left by another LSS) is adopted, never doubled.
    Pod live = api.live(sessionId, spec.name()).orElse(null);
    String name = live != null ? live.getMetadata().getName() : desired.getMetadata().getName();
    Tracked tracked = new Tracked(sessionId, spec, name, vertx.getOrCreateContext(), onExit);
    Tracked earlier = pods.putIfAbsent(name, tracked);
    if (earlier != null) {
      return earlier.ready.future();
    }
    if (live != null) {
      adopt(tracked, live);
      return tracked.ready.future();
    }
    limiter.startSlot().onSuccess(v -> {
      tracked.holdsSlot = true;
      launch(tracked, desired);
    }).onFailure(e -> {
      pods.remove(name, tracked);
      tracked.ready.tryFail(e);
    });
    return tracked.ready.future();
  }

  /**
   * Takes over a live pod and follows it from its current state. Its {@code ot-platform.org/lss}
   * label keeps naming the LSS that created it (the role's {@code patch} is for claiming warm pods
   * only); who runs a session is in the heartbeats and the GSS's record.
   */
  private void adopt(Tracked tracked, Pod pod) {
    ServiceSpec spec = tracked.spec;
    startClock(tracked, spec.startTimeout().toMillis());
    LOG.atInfo().addKeyValue("session", tracked.sessionId).log("adopting pod {} of {}, created by LSS {}",
        tracked.podName, spec.name(), pod.getMetadata().getLabels().get(PodModel.LSS));
    evaluate(tracked, pod);
  }

  private void launch(Tracked tracked, Pod desired) {
    String name = tracked.podName;
    ServiceSpec spec = tracked.spec;
    startClock(tracked, spec.startTimeout().toMillis());
    // The project's volume first: a pod naming a claim that is not there is never scheduled.
    Future<String> volume = spec.volume() == null ? Future.succeededFuture() : claims.ensure(spec.volume())
        .recover(e -> Future.failedFuture(new SpawnException("cannot make the volume claim of project "
            + spec.volume().project() + ": " + e.getMessage(), null, SpawnException.Cause.REFUSED)));
    volume.compose(v -> api.create(desired).recover(e -> Future.failedFuture(new SpawnException(
        "cannot create pod " + name + ": " + e.getMessage(), null, SpawnException.Cause.REFUSED)))).onComplete(r -> {
      if (r.failed()) {
        fail(tracked, (SpawnException) r.cause());
      } else {
        LOG.atInfo().addKeyValue("session", tracked.sessionId).log("pod {} for {} created", name, spec.name());
        evaluate(tracked, r.result());
      }
    });
  }

  /** Sets the start timeout going with {@code leftMillis} to run. */
  private void startClock(Tracked tracked, long leftMillis) {
    ServiceSpec spec = tracked.spec;
    tracked.startLeftMillis = leftMillis;
    tracked.startSetAt = System.nanoTime();
    tracked.timer = vertx.setTimer(Math.max(1, leftMillis), t -> fail(tracked,
        new SpawnException(spec.name() + " was not ready within " + spec.startTimeout().toSeconds() + " s", null,
            SpawnException.Cause.TIMEOUT)));
  }

  /**
   * The pod waits for a node or its image: the start timeout stands still and the grace runs (from
   * the first such state on, not again for each); once it runs out the start fails with the reason
   * the cluster gave last.
   */
  private void waiting(Tracked tracked, String reason) {
    if (tracked.graceTimer != -1) {
      return;
    }
    if (vertx.cancelTimer(tracked.timer)) {
      tracked.startLeftMillis -= (System.nanoTime() - tracked.startSetAt) / 1_000_000;
    }
    Duration grace = tracked.spec.schedulingGrace();
    LOG.atInfo().addKeyValue("session", tracked.sessionId).log("pod {} of {} waits ({}); it has {} s",
        tracked.podName, tracked.spec.name(), reason, grace.toSeconds());
    tracked.graceTimer = vertx.setTimer(Math.max(1, grace.toMillis()), t -> fail(tracked, new SpawnException(
        tracked.spec.name() + ": " + tracked.lastWait + " (still after " + grace.toSeconds() + " s"
            + (tracked.firstWait.equals(tracked.lastWait) ? "" : "; first: " + tracked.firstWait) + ")", null,
        tracked.waitingForNode ? SpawnException.Cause.UNSCHEDULABLE : SpawnException.Cause.IMAGE)));
  }

  /** The pod waits no more: its start timeout runs on from where it stood. */
  private void waitOver(Tracked tracked) {
    if (tracked.graceTimer != -1) {
      vertx.cancelTimer(tracked.graceTimer);
      tracked.graceTimer = -1;
      startClock(tracked, tracked.startLeftMillis);
    }
  }

  /** Informer callbacks come on fabric8 threads: hand them to the context that started the pod. */
  private void changed(Pod pod) {
    Tracked tracked = pods.get(pod.getMetadata().getName());
    if (tracked != null) {
      onContext(tracked.context, () -> evaluate(tracked, pod));
    }
  }

  /** An event of a pod this spawner starts: passed on as progress while the pod is not ready. */
  private void podEvent(String podName, String reason, String message) {
    Tracked tracked = pods.get(podName);
    if (tracked == null) {
      return;
    }
    onContext(tracked.context, () -> {
      if (!tracked.stopping && tracked.running == null
          && tracked.throttle.admit(reason, message, System.nanoTime() / 1_000_000)) {
        progress.progress(tracked.sessionId, tracked.spec.name(), reason, message);
      }
    });
  }

  private void deleted(Pod pod) {
    Tracked tracked = pods.get(pod.getMetadata().getName());
    if (tracked != null && !tracked.stopping) {
      onContext(tracked.context, () -> gone(tracked, null, "pod " + tracked.podName + " was deleted"));
    }
  }

  private void evaluate(Tracked tracked, Pod pod) {
    if (tracked.stopping) {
      return;
    }
    if (followPodLogs && PodState.started(pod)) {
      logs.follow(tracked.podName, pod.getSpec().getContainers().get(0).getName(), tracked.sessionId,
          tracked.spec.name());
    }
    PodState state = PodState.of(pod, tracked.spec.port());
    if (tracked.running == null) {
      if (state instanceof PodState.Waiting waiting) {
        tracked.firstWait = tracked.firstWait == null ? waiting.reason() : tracked.firstWait;
        tracked.lastWait = waiting.reason();
        tracked.waitingForNode = waiting.forNode();
        waiting(tracked, waiting.reason());
        return;
      }
      waitOver(tracked);
    }
    if (state instanceof PodState.Ready ready && tracked.running == null) {
      vertx.cancelTimer(tracked.timer);
      tracked.running = new RunningService(tracked.sessionId, tracked.spec.name(), ready.endpoint(), tracked.podName);
      tracked.ready.tryComplete(tracked.running);
      releaseSlot(tracked);
    } else if (state instanceof PodState.Failed failed) {
      gone(tracked, failed.exitCode(), failed.reason(), failed.badImage());
    }
  }

  /** The pod failed or vanished: before ready the start fails, after ready the exit is reported. */
  private void gone(Tracked tracked, Integer exitCode, String reason) {
    gone(tracked, exitCode, reason, false);
  }

  private void gone(Tracked tracked, Integer exitCode, String reason, boolean badImage) {
    if (tracked.running == null) {
      fail(tracked, badImage ? new SpawnException(tracked.spec.name() + ": " + reason, null, SpawnException.Cause.IMAGE)
          : new SpawnException(tracked.spec.name() + ": " + reason, exitCode));
      return;
    }
    if (pods.remove(tracked.podName) != null) {
      tracked.stopping = true;
      delete(tracked.podName);
      tracked.onExit.exited(tracked.running, exitCode == null ? -1 : exitCode, reason);
    }
  }

  private void fail(Tracked tracked, SpawnException e) {
    vertx.cancelTimer(tracked.timer);
    vertx.cancelTimer(tracked.graceTimer);
    if (tracked.ready.tryFail(e)) {
      tracked.stopping = true;
      pods.remove(tracked.podName);
      delete(tracked.podName).onComplete(r -> releaseSlot(tracked));
    }
  }

  private void releaseSlot(Tracked tracked) {
    if (tracked.holdsSlot) {
      tracked.holdsSlot = false;
      limiter.startDone();
    }
  }

  @Override
  public Future<Void> stop(RunningService service) {
    Tracked tracked = pods.remove(service.instance());
    if (tracked != null) {
      tracked.stopping = true;
    }
    return delete(service.instance());
  }

  /** The pod stays: the LSS the session was handed to adopted it. Only following it ends here. */
  @Override
  public Future<Void> release(RunningService service) {
    Tracked tracked = pods.remove(service.instance());
    if (tracked != null) {
      tracked.stopping = true;
    }
    logs.stop(service.instance());
    return Future.succeededFuture();
  }

  private Future<Void> delete(String podName) {
    logs.stop(podName);
    return api.delete(podName).onFailure(e -> LOG.warn("could not delete pod {}: {}", podName, e.getMessage()));
  }

  /**
   * Deletes the pods of a session this LSS does not run (its close reached this LSS, or the GSS
   * found it over while pods of it are left).
   */
  @Override
  public Future<Void> removeSession(String sessionId) {
    // One delete per pod, not a delete-collection: the LSS's role allows only the former.
    List<Future<Void>> deletions = api.cached().stream()
        .filter(p -> sessionId.equals(PodApi.sessionOf(p)))
        .filter(p -> !pods.containsKey(p.getMetadata().getName()))
        .map(p -> delete(p.getMetadata().getName()))
        .toList();
    return Future.join(deletions).mapEmpty();
  }

  /** Deletes the project's volume claims (the project was deleted with its storage). */
  @Override
  public Future<Integer> removeStorage(String project) {
    return claims.removeProject(project);
  }

  /** Sessions of live compute pods in the namespace that this spawner does not follow. */
  @Override
  public Set<String> untrackedSessions() {
    Set<String> result = new TreeSet<>();
    api.cached().stream()
        .filter(p -> !pods.containsKey(p.getMetadata().getName()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(PodApi::sessionOf)
        .filter(Objects::nonNull)
        .forEach(result::add);
    return result;
  }

  /**
   * Stops following pods. Pods are left running — their sessions outlive this LSS process and are
   * adopted by the LSS they are handed to; starts still waiting for a slot are failed.
   */
  @Override
  public Future<Void> close() {
    warm.close();
    limiter.failAll(new SpawnException("the LSS is stopping", null, SpawnException.Cause.STOPPING));
    pods.values().forEach(t -> {
      vertx.cancelTimer(t.timer);
      vertx.cancelTimer(t.graceTimer);
      t.ready.tryFail(new SpawnException("the LSS is stopping", null, SpawnException.Cause.STOPPING));
    });
    pods.clear();
    logs.close();
    events.stop();
    api.stop();
    return blocking.close();
  }

  private static void onContext(Context context, Runnable action) {
    try {
      context.runOnContext(v -> action.run());
    } catch (RejectedExecutionException e) {
      LOG.debug("pod event dropped: the LSS is stopping");
    }
  }
}
