package org.otplatform.lss.k8s;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes events of pods in the compute namespace — what the scheduler, a cluster
 * autoscaler and the kubelet say about them ({@code FailedScheduling}, {@code TriggeredScaleUp},
 * {@code Pulling}, {@code BackOff}, …) — handed on by pod name. One informer on core/v1 events;
 * events of other kinds are ignored. Needs {@code list} and {@code watch} on {@code events}.
 */
final class PodEvents {
  private static final Logger LOG = LoggerFactory.getLogger(PodEvents.class);

  /** Called on fabric8's threads for each new or repeated event of a pod. */
  @FunctionalInterface
  interface Listener {
    void event(String podName, String reason, String message);
  }

  private final KubernetesClient client;
  private final String namespace;
  private final WorkerExecutor blocking;
  private volatile SharedIndexInformer<Event> informer;

  PodEvents(KubernetesClient client, String namespace, WorkerExecutor blocking) {
    this.client = client;
    this.namespace = namespace;
    this.blocking = blocking;
  }

  /**
   * Starts the informer. A cluster that refuses it (a role without {@code events}) costs only the
   * progress entries: the failure is logged and the returned future succeeds.
   */
  Future<Void> watch(Listener listener) {
    return blocking.<Void>executeBlocking(() -> {
      informer = client.v1().events().inNamespace(namespace).inform(new ResourceEventHandler<>() {
        @Override
        public void onAdd(Event event) {
          pass(event, listener);
        }

        @Override
        public void onUpdate(Event old, Event event) {
          // An event seen again: the same reason, its count raised.
          if (!event.getMetadata().getResourceVersion().equals(old.getMetadata().getResourceVersion())) {
            pass(event, listener);
          }
        }

        @Override
        public void onDelete(Event event, boolean finalStateUnknown) {}
      }, 0);
      return null;
    }, false).recover(e -> {
      LOG.warn("not following the pods' Kubernetes events in {} (no progress entries from the cluster): {}",
          namespace, e.getMessage());
      return Future.succeededFuture();
    });
  }

  private static void pass(Event event, Listener listener) {
    ObjectReference about = event.getInvolvedObject();
    if (about != null && "Pod".equals(about.getKind()) && about.getName() != null) {
      listener.event(about.getName(), event.getReason() == null ? "" : event.getReason(),
          event.getMessage() == null ? "" : event.getMessage());
    }
  }

  void stop() {
    SharedIndexInformer<Event> current = informer;
    if (current != null) {
      current.stop();
    }
  }
}
