package org.otplatform.lss.spawn;

import io.vertx.core.Future;
import org.otplatform.common.catalog.ServiceSpec;

/**
 * Starts and removes the compute services of sessions. Implementations: local processes
 * ({@code local}) and Kubernetes pods ({@code k8s}).
 */
public interface Spawner {

  /**
   * Gets ready before the first session: the Kubernetes spawner starts watching its pods (and
   * learns which already run); the local one has nothing to do.
   */
  default Future<Void> watch() {
    return Future.succeededFuture();
  }

  /**
   * Starts one compute service; the future completes once it answers its readiness probe, or
   * fails with a {@link SpawnException} (with exit code when the service ran and died).
   * {@code onExit} is called if the service stops by itself afterwards. {@code attempt} counts
   * restarts (0 for the first start), so that a restart is a new instance, not the dead one again.
   */
  Future<RunningService> start(String sessionId, ServiceSpec spec, int attempt, ExitListener onExit);

  /** The first start of a compute service. */
  default Future<RunningService> start(String sessionId, ServiceSpec spec, ExitListener onExit) {
    return start(sessionId, spec, 0, onExit);
  }

  /**
   * Keeps {@code counts} ready, unassigned instances of each spec (warm), started with {@code env}
   * over the spec's own and replaced as each is claimed or lost; specs left out have theirs removed.
   * A spawner that cannot keep warm instances of a spec (its mode's, or one mounting a volume)
   * ignores it.
   */
  default void keepWarm(java.util.Map<ServiceSpec, Integer> counts, java.util.Map<String, String> env) {}

  /**
   * A warm instance of {@code spec}, now assigned to {@code sessionId} and followed like a started
   * one; empty when none is ready (then {@link #start} one). Never the same instance for two sessions.
   */
  default Future<java.util.Optional<RunningService>> claim(String sessionId, ServiceSpec spec, ExitListener onExit) {
    return Future.succeededFuture(java.util.Optional.empty());
  }

  /** How many warm instances are ready now, of every spec. */
  default int warmReady() {
    return 0;
  }

  /** Removes a compute service and everything it started; idempotent. */
  Future<Void> stop(RunningService service);

  /**
   * Ends the starts of a session's services still in flight, now rather than once they are ready
   * (the session closes, or is another LSS's): local processes are killed, and their starts fail.
   * Pods are left to start — one may be another LSS's already — and are dealt with when their
   * start settles.
   */
  default Future<Void> cancelStarts(String sessionId) {
    return Future.succeededFuture();
  }

  /**
   * Lets go of a compute service whose session another LSS now runs (handed over while this one
   * was silent): a local process is stopped — the other LSS started its own — while a pod is only
   * no longer followed, since the other LSS adopted it.
   */
  default Future<Void> release(RunningService service) {
    return stop(service);
  }

  /**
   * LSS shutdown: local processes are removed, including ones still starting (they cannot outlive
   * the LSS); pods are left running for the LSS their sessions are handed to.
   */
  Future<Void> close();

  /**
   * Removes the volumes a project keeps (its type's {@code storage}): the project was deleted with
   * its storage. Yields how many were removed; none is not an error.
   */
  default Future<Integer> removeStorage(String project) {
    return Future.succeededFuture(0);
  }

  /** Removes whatever of a session this spawner can see but does not run (pods left by another LSS). */
  default Future<Void> removeSession(String sessionId) {
    return Future.succeededFuture();
  }

  /** Sessions with compute services this spawner can see but does not run; reported in heartbeats. */
  default java.util.Set<String> untrackedSessions() {
    return java.util.Set.of();
  }

  /**
   * Where notes on starts in flight go — what the cluster says about a pod that is not ready yet
   * (waiting for a node, pulling its image); called on the context that started the service. The
   * local spawner has none to give.
   */
  default void onProgress(ProgressListener listener) {}

  /** Called with a note on a compute service that is starting. */
  @FunctionalInterface
  interface ProgressListener {
    void progress(String sessionId, String service, String reason, String message);
  }

  /** Called when a started service ends without being asked to. */
  @FunctionalInterface
  interface ExitListener {
    void exited(RunningService service, int exitCode, String reason);
  }
}
