package org.otplatform.lss.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The LSS's RBAC manifest parses into typed objects and grants no more than the LSS needs. */
class LssRbacTest {
  private static final Map<String, Set<String>> ALLOWED = Map.of(
      "pods", Set.of("create", "get", "list", "watch", "delete", "patch"), // patch: a warm pod's claim
      "pods/log", Set.of("get"),
      "events", Set.of("list", "watch"),
      "persistentvolumeclaims", Set.of("create", "get", "list", "delete"));

  @SuppressWarnings("unchecked")
  private static List<HasMetadata> manifest() throws Exception {
    try (InputStream in = Files.newInputStream(Path.of("../deploy/k8s/base/lss-rbac.yaml"))) {
      return (List<HasMetadata>) (List<?>) Serialization.unmarshal(in);
    }
  }

  @Test
  void theLssMayOnlyManagePodsInTheComputeNamespace() throws Exception {
    List<HasMetadata> objects = manifest();
    assertTrue(objects.stream().noneMatch(o -> o.getKind().startsWith("Cluster")), "nothing cluster-wide");
    Role role = objects.stream().filter(Role.class::isInstance).map(Role.class::cast).findFirst().orElseThrow();
    assertEquals("ot-compute", role.getMetadata().getNamespace());
    for (PolicyRule rule : role.getRules()) {
      assertEquals(List.of(""), rule.getApiGroups(), "core API group only");
      for (String resource : rule.getResources()) {
        assertTrue(ALLOWED.containsKey(resource), "unexpected resource " + resource);
        assertTrue(ALLOWED.get(resource).containsAll(rule.getVerbs()), resource + ": " + rule.getVerbs());
        assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty());
      }
    }
    RoleBinding binding = objects.stream().filter(RoleBinding.class::isInstance).map(RoleBinding.class::cast)
        .findFirst().orElseThrow();
    assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
    assertEquals("ot-lss", binding.getSubjects().get(0).getName());
  }
}
