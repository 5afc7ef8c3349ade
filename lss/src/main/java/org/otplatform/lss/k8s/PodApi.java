package org.otplatform.lss.k8s;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The platform's compute pods in one namespace, through the API (as Strimzi's thin wrapper per
 * resource kind): one informer on the pods by label, whose cache answers what is there, and the
 * two writes the LSS's role allows, create and delete — rate-limited by the {@link ApiLimiter}
 * and run on the named worker pool, results back as futures.
 */
final class PodApi {
  private final KubernetesClient client;
  private final String namespace;
  private final WorkerExecutor blocking;
  private final ApiLimiter limiter;
  private volatile SharedIndexInformer<Pod> informer;

  PodApi(KubernetesClient client, String namespace, WorkerExecutor blocking, ApiLimiter limiter) {
    this.client = client;
    this.namespace = namespace;
    this.blocking = blocking;
    this.limiter = limiter;
  }

  /** Starts the informer; {@code changed} and {@code deleted} are called on fabric8's threads. */
  Future<Void> watch(Consumer<Pod> changed, Consumer<Pod> deleted) {
    return blocking.executeBlocking(() -> {
      informer = client.pods().inNamespace(namespace)
          .withLabel(PodModel.MANAGED_BY, PodModel.MANAGER)
          .inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
              changed.accept(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
              changed.accept(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
              deleted.accept(pod);
            }
          }, 0);
      return null;
    }, false);
  }

  /** The pods the informer has seen (none before {@link #watch}). */
  List<Pod> cached() {
    SharedIndexInformer<Pod> current = informer;
    return current == null ? List.of() : current.getStore().list();
  }

  /** The session's pod of this service that is still alive and not failed, from the cache. */
  Optional<Pod> live(String sessionId, String service) {
    return cached().stream()
        .filter(p -> sessionId.equals(sessionOf(p)))
        .filter(p -> PodModel.labelValue(service).equals(p.getMetadata().getLabels().get(PodModel.SERVICE)))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> !(PodState.of(p, 0) instanceof PodState.Failed))
        .findFirst();
  }

  /** The session a pod belongs to (its annotation), or null. */
  static String sessionOf(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(PodModel.SESSION);
  }

  /** Creates the pod; when it exists already (the same open handled twice) yields that one. */
  Future<Pod> create(Pod desired) {
    return limiter.token().compose(v -> blocking.executeBlocking(() -> {
      try {
        return client.pods().inNamespace(namespace).resource(desired).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          Pod existing = client.pods().inNamespace(namespace).withName(desired.getMetadata().getName()).get();
          if (existing != null) {
            return existing;
          }
        }
        throw e;
      }
    }, false));
  }

  /**
   * Takes warm pod {@code warm} for {@code sessionId}: one merge patch that removes its warm label
   * and adds the session's label and annotation, on the condition of the resource version it was
   * read at. Of two claims of one pod the second gets a 409 (the first changed it), so a pod never
   * serves two sessions; a pod changed since it was read (a status update) is a 409 too.
   */
  Future<Pod> claim(Pod warm, String sessionId) {
    io.vertx.core.json.JsonObject labels = new io.vertx.core.json.JsonObject().putNull(PodModel.WARM)
        .put(PodModel.SESSION, PodModel.labelValue(sessionId));
    String patch = new io.vertx.core.json.JsonObject().put("metadata", new io.vertx.core.json.JsonObject()
        .put("resourceVersion", warm.getMetadata().getResourceVersion())
        .put("labels", labels)
        .put("annotations", new io.vertx.core.json.JsonObject().put(PodModel.SESSION, sessionId))).encode();
    return limiter.token().compose(v -> blocking.executeBlocking(() -> client.pods().inNamespace(namespace)
        .withName(warm.getMetadata().getName())
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), patch), false));
  }

  /** Deletes the pod with a 10 s grace period. */
  Future<Void> delete(String podName) {
    return limiter.token().compose(v -> blocking.executeBlocking(() -> {
      client.pods().inNamespace(namespace).withName(podName).withGracePeriod(10).delete();
      return null;
    }, false)).mapEmpty();
  }

  /** Stops the informer. */
  void stop() {
    SharedIndexInformer<Pod> current = informer;
    if (current != null) {
      current.stop();
    }
  }
}
