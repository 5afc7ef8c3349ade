package org.otplatform.common.catalog;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Where on a cluster a compute pod may run (kubernetes mode; local processes ignore it), as a
 * {@link Profile} sets it.
 *
 * @param nodeSelector node labels the pod's node must have
 * @param tolerations taints the pod tolerates (a GPU pool's {@code nvidia.com/gpu:NoSchedule})
 * @param affinity a Kubernetes {@code Affinity} ({@code nodeAffinity}, {@code podAffinity},
 *     {@code podAntiAffinity}) as JSON; empty for none
 * @param imagePullSecrets names of secrets in the compute namespace to pull the image with
 */
public record Placement(Map<String, String> nodeSelector, List<Toleration> tolerations, JsonObject affinity,
    List<String> imagePullSecrets) {
  public static final Placement NONE = new Placement(Map.of(), List.of(), new JsonObject(), List.of());

  public Placement {
    nodeSelector = Map.copyOf(nodeSelector);
    tolerations = List.copyOf(tolerations);
    affinity = affinity.copy();
    imagePullSecrets = List.copyOf(imagePullSecrets);
  }

  @Override
  public JsonObject affinity() {
    return affinity.copy();
  }

  /**
   * One toleration, as Kubernetes has it.
   *
   * @param operator {@code Equal} or {@code Exists}
   * @param effect {@code NoSchedule}, {@code PreferNoSchedule}, {@code NoExecute}, or null (all)
   * @param seconds how long a {@code NoExecute} taint is tolerated; null: for ever
   */
  public record Toleration(String key, String operator, String value, String effect, Long seconds) {}
}
