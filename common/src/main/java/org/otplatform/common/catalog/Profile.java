package org.otplatform.common.catalog;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A named variant of a session type that a user picks when opening (as KubeSpawner's
 * {@code profile_list}): resources (GPUs among them), placement and extra environment, applied to
 * every compute service of the type.
 *
 * @param resources requests and limits that replace the service's own, name by name
 *     ({@code {"limits": {"nvidia.com/gpu": "1"}}} adds a GPU, keeps CPU and memory)
 * @param env extra environment, over the service's own
 * @param groups who may pick it: members of these groups (admins always); empty: everyone
 * @param pool the LSS pool its sessions need ({@code pool}), over the type's; null: the type's
 * @param warm how many ready instances of each of its services an LSS keeps for it ({@code warm});
 *     null: the type's for its default profile, else none
 */
public record Profile(String name, String description, ServiceSpec.Resources resources, Placement placement,
    Map<String, String> env, Set<String> groups, String pool, Integer warm) {

  public Profile {
    env = Map.copyOf(env);
    groups = Set.copyOf(groups);
  }

  /** Whether a caller with these groups may pick it ({@code admin}: whatever the groups). */
  public boolean allows(Set<String> callerGroups, boolean admin) {
    return admin || groups.isEmpty() || groups.stream().anyMatch(callerGroups::contains);
  }

  /** The service as this profile runs it. */
  public ServiceSpec applyTo(ServiceSpec spec) {
    ServiceSpec.Resources merged = new ServiceSpec.Resources(merge(spec.resources().requests(), resources.requests()),
        merge(spec.resources().limits(), resources.limits()));
    return spec.with(merged, merge(spec.env(), env), placement);
  }

  private static Map<String, String> merge(Map<String, String> base, Map<String, String> over) {
    Map<String, String> result = new HashMap<>(base);
    result.putAll(over);
    return Map.copyOf(result);
  }
}
