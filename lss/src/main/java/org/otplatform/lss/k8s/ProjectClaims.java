package org.otplatform.lss.k8s;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.Map;
import org.otplatform.common.catalog.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects' volumes as PersistentVolumeClaims of the compute namespace: one per project and
 * volume name, made on a session's first use and kept across sessions (and LSS restarts) until the
 * project is deleted with its storage. Its name is a function of project and volume, so two LSS
 * making it at once make one; labels tie it to its project for the removal.
 */
final class ProjectClaims {
  private static final Logger LOG = LoggerFactory.getLogger(ProjectClaims.class);
  /** Label: the project a claim belongs to. */
  static final String PROJECT = "ot-platform.org/project";
  /** Label: the volume's name within its project. */
  static final String VOLUME = "ot-platform.org/volume";

  private final KubernetesClient client;
  private final String namespace;
  private final WorkerExecutor blocking;
  private final ApiLimiter limiter;

  ProjectClaims(KubernetesClient client, String namespace, WorkerExecutor blocking, ApiLimiter limiter) {
    this.client = client;
    this.namespace = namespace;
    this.blocking = blocking;
    this.limiter = limiter;
  }

  /** {@code ot-<volume>-<hash of project and volume>}: a DNS label. */
  static String claimName(Storage.ProjectVolume volume) {
    return "ot-" + volume.storage().volume() + "-" + PodModel.hash(volume.project() + "/" + volume.storage().volume())
        .substring(0, 24);
  }

  /** The claim as a project's first session makes it. */
  static PersistentVolumeClaim build(Storage.ProjectVolume volume, String namespace) {
    Storage storage = volume.storage();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
          .withName(claimName(volume))
          .withNamespace(namespace)
          .withLabels(Map.of(PodModel.MANAGED_BY, PodModel.MANAGER, PROJECT, PodModel.labelValue(volume.project()),
              VOLUME, storage.volume()))
          .withAnnotations(Map.of(PROJECT, volume.project()))
        .endMetadata()
        .withNewSpec()
          .withAccessModes(storage.accessMode())
          .withStorageClassName(storage.storageClass())
          .withNewResources().addToRequests("storage", new Quantity(storage.size())).endResources()
        .endSpec()
        .build();
  }

  /** Makes the project's claim unless it exists; yields its name. */
  Future<String> ensure(Storage.ProjectVolume volume) {
    PersistentVolumeClaim desired = build(volume, namespace);
    String name = desired.getMetadata().getName();
    return limiter.token().compose(v -> blocking.executeBlocking(() -> {
      if (client.persistentVolumeClaims().inNamespace(namespace).withName(name).get() != null) {
        return name;
      }
      try {
        client.persistentVolumeClaims().inNamespace(namespace).resource(desired).create();
        LOG.info("made volume claim {} ({} of project {}, {}{})", name, volume.storage().volume(), volume.project(),
            volume.storage().size(), volume.storage().storageClass() == null ? "" : ", " + volume.storage().storageClass());
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) { // 409: another LSS made it just now
          throw e;
        }
      }
      return name;
    }, false));
  }

  /** Deletes every claim of the project; yields how many. One delete per claim (no delete-collection). */
  Future<Integer> removeProject(String project) {
    return limiter.token().compose(v -> blocking.executeBlocking(() -> {
      int removed = 0;
      for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inNamespace(namespace)
          .withLabel(PodModel.MANAGED_BY, PodModel.MANAGER).withLabel(PROJECT, PodModel.labelValue(project))
          .list().getItems()) {
        // The label may be shortened: the annotation says whose it is.
        Map<String, String> annotations = claim.getMetadata().getAnnotations();
        if (annotations != null && project.equals(annotations.get(PROJECT))) {
          client.persistentVolumeClaims().inNamespace(namespace).withName(claim.getMetadata().getName()).delete();
          removed++;
        }
      }
      return removed;
    }, false));
  }
}
