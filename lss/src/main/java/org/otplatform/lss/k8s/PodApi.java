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
   * Takes warm pod {@code warm} for {@code sessionId} in one JSON patch: its warm label tested and
   * removed, the session's label and annotation added. Of two claims of one pod one fails (the
   * test finds the label gone), so a pod never serves two sessions.
   */
  Future<Pod> claim(Pod warm, String sessionId) {
    String hash = warm.getMetadata().getLabels().get(PodModel.WARM);
    String patch = new io.vertx.core.json.JsonArray()
        .add(op("test", "/metadata/labels/" + pointer(PodModel.WARM), hash))
        .add(op("remove", "/metadata/labels/" + pointer(PodModel.WARM), null))
        .add(op("add", "/metadata/labels/" + pointer(PodModel.SESSION), PodModel.labelValue(sessionId)))
        .add(op("add", "/metadata/annotations/" + pointer(PodModel.SESSION), sessionId))
        .encode();
    return limiter.token().compose(v -> blocking.executeBlocking(() -> client.pods().inNamespace(namespace)
        .withName(warm.getMetadata().getName())
        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
            patch), false));
  }

  private static io.vertx.core.json.JsonObject op(String op, String path, String value) {
    io.vertx.core.json.JsonObject o = new io.vertx.core.json.JsonObject().put("op", op).put("path", path);
    return value == null ? o : o.put("value", value);
  }

  /** A key as a JSON pointer's segment ({@code /} and {@code ~} escaped). */
  private static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
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
