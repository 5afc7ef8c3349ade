package org.otplatform.lss.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.otplatform.common.catalog.ServiceSpec;

class PodModelTest {
  private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String LABEL_VALUE = "([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?";

  @Test
  void namesAreDeterministicDnsLabelsOfAtMost63() {
    String session = UUID.randomUUID().toString();
    String name = PodModel.podName(session, "a-very-long-service-name-of-thirty");
    assertEquals(name, PodModel.podName(session, "a-very-long-service-name-of-thirty"));
    assertTrue(name.length() <= 63, name);
    assertTrue(name.matches(DNS_LABEL), name);
    assertNotEquals(name, PodModel.podName(UUID.randomUUID().toString(), "a-very-long-service-name-of-thirty"));
    assertNotEquals(PodModel.podName(session, "mesher"), PodModel.podName(session, "solver"));
    String restarted = PodModel.podName(session, "a-very-long-service-name-of-thirty", 100);
    assertTrue(restarted.length() <= 63 && restarted.matches(DNS_LABEL), restarted);
    assertEquals(name + "-r100", restarted, "a restart is the same pod name plus its attempt");
  }

  @Test
  void labelValuesAreValidWhateverTheInput() {
    for (String v : List.of("lss-7f9c", "LSS on host/1", "x".repeat(100), "-edge-", "a.b_c")) {
      String label = PodModel.labelValue(v);
      assertTrue(label.length() <= 63 && label.matches(LABEL_VALUE), v + " -> " + label);
    }
  }

  @Test
  void aServiceWithoutAnImageCannotRunInTheCluster() {
    ServiceSpec local = new ServiceSpec("kriging", List.of("java"), null, Map.of(), true, Duration.ofSeconds(5), 8080,
        ServiceSpec.Resources.DEFAULT, 0, "/health/ready", ServiceSpec.DEFAULT_SCHEDULING_GRACE,
        org.otplatform.common.catalog.Placement.NONE);
    assertThrows(IllegalArgumentException.class,
        () -> PodModel.build("s", local, new PodModel.Target("ns", "lss", 60)));
  }

  @Test
  void podsRunLockedDown() {
    ServiceSpec spec = new ServiceSpec("kriging", List.of(), "img:1", Map.of(), true, Duration.ofSeconds(5), 9000,
        new ServiceSpec.Resources(Map.of("cpu", "250m"), Map.of("memory", "1Gi")), 0, "/ready", ServiceSpec.DEFAULT_SCHEDULING_GRACE,
        org.otplatform.common.catalog.Placement.NONE);
    Pod pod = PodModel.build("s", spec, new PodModel.Target("ns", "lss", 60));
    assertTrue(pod.getSpec().getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", pod.getSpec().getSecurityContext().getSeccompProfile().getType());
    assertEquals(false, pod.getSpec().getAutomountServiceAccountToken());
    assertEquals("Never", pod.getSpec().getRestartPolicy());
    var c = pod.getSpec().getContainers().get(0);
    assertEquals(false, c.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(9000, c.getPorts().get(0).getContainerPort());
    assertEquals(9000, c.getReadinessProbe().getHttpGet().getPort().getIntVal());
    assertEquals("/ready", c.getReadinessProbe().getHttpGet().getPath(), "the catalog's readiness path");
    assertEquals("250m", c.getResources().getRequests().get("cpu").toString());
  }

  /** A warm pod: the session's pod less the session, with its token, named by what it runs and its slot. */
  @Test
  void aWarmPodIsASessionsPodWithoutTheSession() {
    ServiceSpec spec = new ServiceSpec("kriging", List.of(), "img:1", Map.of("MODE", "fast"), true,
        Duration.ofSeconds(5), 8080, ServiceSpec.Resources.DEFAULT, 0, "/ready", ServiceSpec.DEFAULT_SCHEDULING_GRACE,
        org.otplatform.common.catalog.Placement.NONE);
    PodModel.Target gpu = new PodModel.Target("ns", "lss-1", 60, null, "gpu");
    Pod warm = PodModel.buildWarm(spec, 3, "t".repeat(64), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), gpu);
    String hash = PodModel.warmHash(spec, gpu);
    assertEquals("ot-warm-kriging-" + hash + "-3", warm.getMetadata().getName());
    assertEquals(hash, warm.getMetadata().getLabels().get(PodModel.WARM));
    assertEquals("gpu", warm.getMetadata().getLabels().get(PodModel.POOL));
    assertNull(warm.getMetadata().getLabels().get(PodModel.SESSION));
    assertNull(warm.getMetadata().getAnnotations().get(PodModel.SESSION));
    Map<String, String> env = new java.util.HashMap<>();
    warm.getSpec().getContainers().get(0).getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    assertEquals("t".repeat(64), env.get("OT_ASSIGN_TOKEN"));
    assertNull(env.get("OT_SESSION_ID"));
    assertEquals("fast", env.get("MODE"));
    assertEquals("http://c:4318", env.get("OTEL_EXPORTER_OTLP_ENDPOINT"));
    assertEquals(PodModel.build("s", spec, gpu).getSpec().getContainers().get(0).getImage(),
        warm.getSpec().getContainers().get(0).getImage());
    assertTrue(warm.getSpec().getSecurityContext().getRunAsNonRoot(), "locked down as any");

    assertEquals(hash, PodModel.warmHash(spec, gpu), "the same for the same spec");
    assertTrue(!hash.equals(PodModel.warmHash(spec, new PodModel.Target("ns", "lss-1", 60))), "another pool's");
    ServiceSpec other = new ServiceSpec("kriging", List.of(), "img:2", Map.of("MODE", "fast"), true,
        Duration.ofSeconds(5), 8080, ServiceSpec.Resources.DEFAULT, 0, "/ready", ServiceSpec.DEFAULT_SCHEDULING_GRACE,
        org.otplatform.common.catalog.Placement.NONE);
    assertTrue(!hash.equals(PodModel.warmHash(other, gpu)), "another image's");
    assertTrue(PodModel.warmName("a-very-long-service-name-of-thirty", hash, 4095).length() <= 63);
  }

  /** A type with storage: every pod of a project's sessions mounts that project's one claim. */
  @Test
  void aProjectsVolumeIsMountedWhereTheCatalogSays() {
    org.otplatform.common.catalog.Catalog catalog = org.otplatform.common.catalog.Catalog.parse(
        new io.vertx.core.json.JsonObject("""
        {"defaultType": "solver", "types": {"solver": {"storage": {"mountPath": "/work", "size": "20Gi"},
          "services": [{"name": "solver", "image": "img:1"}]}}}"""), "test");
    var type = catalog.type("solver").orElseThrow();
    PodModel.Target target = new PodModel.Target("ns", "lss", 60);
    Pod a = PodModel.build("s1", type.servicesFor("project-a", null).get(0), target);
    Pod again = PodModel.build("s2", type.servicesFor("project-a", null).get(0), target);
    Pod b = PodModel.build("s3", type.servicesFor("project-b", null).get(0), target);
    String claim = claimOf(a);
    assertEquals(claim, claimOf(again), "the project's sessions share its claim");
    assertNotEquals(claim, claimOf(b), "another project has its own");
    assertTrue(claim.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"), claim);
    var c = a.getSpec().getContainers().get(0);
    assertEquals("/work", c.getVolumeMounts().stream().filter(m -> m.getName().equals("storage")).findFirst()
        .orElseThrow().getMountPath());
    assertTrue(c.getEnv().stream().anyMatch(e -> e.getName().equals("OT_STORAGE_DIR") && e.getValue().equals("/work")));
    assertEquals(PodModel.IMAGE_GROUP, a.getSpec().getSecurityContext().getFsGroup(), "writable by the image's user");
    Pod none = PodModel.build("s4", type.services().get(0), target);
    assertTrue(none.getSpec().getVolumes().stream().noneMatch(v -> v.getPersistentVolumeClaim() != null));
    var pvc = ProjectClaims.build(type.servicesFor("project-a", null).get(0).volume(), "ns");
    assertEquals(claim, pvc.getMetadata().getName());
    assertEquals("20Gi", pvc.getSpec().getResources().getRequests().get("storage").toString());
    assertEquals(List.of("ReadWriteOnce"), pvc.getSpec().getAccessModes());
    assertEquals(null, pvc.getSpec().getStorageClassName(), "the cluster's default class");
    assertEquals("project-a", pvc.getMetadata().getLabels().get(ProjectClaims.PROJECT));
  }

  private static String claimOf(Pod pod) {
    return pod.getSpec().getVolumes().stream().filter(v -> v.getPersistentVolumeClaim() != null).findFirst()
        .orElseThrow().getPersistentVolumeClaim().getClaimName();
  }

  /** A profile from the catalog as an operator writes it: a GPU, a node pool, its taint, an affinity, a pull secret. */
  @Test
  void aProfilePutsThePodWhereItAsksWithTheResourcesItAdds() {
    org.otplatform.common.catalog.Catalog catalog = org.otplatform.common.catalog.Catalog.parse(
        new io.vertx.core.json.JsonObject("""
        {"defaultType": "solver", "types": {"solver": {
          "profiles": {"gpu": {
            "resources": {"limits": {"nvidia.com/gpu": "1", "memory": "8Gi"}},
            "nodeSelector": {"cloud.google.com/gke-accelerator": "nvidia-l4"},
            "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
              {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["eu-west1-b"]}]}]}}},
            "imagePullSecrets": ["registry-credentials"],
            "env": {"CUDA_VISIBLE_DEVICES": "0"}}},
          "services": [{"name": "solver", "image": "img:1", "env": {"MODE": "fast"},
                        "resources": {"requests": {"cpu": "500m"}, "limits": {"memory": "1Gi"}}}]}}}"""), "test");
    ServiceSpec spec = catalog.type("solver").orElseThrow().servicesFor("gpu").get(0);
    var pod = PodModel.build("s", spec, new PodModel.Target("ns", "lss", 60)).getSpec();
    var c = pod.getContainers().get(0);
    assertEquals("1", c.getResources().getLimits().get("nvidia.com/gpu").toString());
    assertEquals("8Gi", c.getResources().getLimits().get("memory").toString(), "the profile's value wins");
    assertEquals("500m", c.getResources().getRequests().get("cpu").toString(), "the service's own stays");
    assertEquals(Map.of("cloud.google.com/gke-accelerator", "nvidia-l4"), pod.getNodeSelector());
    assertEquals(1, pod.getTolerations().size());
    assertEquals("nvidia.com/gpu", pod.getTolerations().get(0).getKey());
    assertEquals("Exists", pod.getTolerations().get(0).getOperator());
    assertEquals("NoSchedule", pod.getTolerations().get(0).getEffect());
    assertEquals("eu-west1-b", pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms().get(0).getMatchExpressions().get(0).getValues().get(0));
    assertEquals("registry-credentials", pod.getImagePullSecrets().get(0).getName());
    Map<String, String> env = new java.util.HashMap<>();
    c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    assertEquals("0", env.get("CUDA_VISIBLE_DEVICES"));
    assertEquals("fast", env.get("MODE"));

    var plain = PodModel.build("s", catalog.type("solver").orElseThrow().services().get(0),
        new PodModel.Target("ns", "lss", 60)).getSpec();
    assertEquals(null, plain.getAffinity(), "without the profile, nothing of it");
    assertTrue(plain.getTolerations().isEmpty() && plain.getImagePullSecrets().isEmpty());
    assertEquals(null, plain.getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu"));
  }

  @Test
  void withATlsSecretThePodServesTlsFromItAndIsProbedOverHttps() {
    ServiceSpec spec = ServiceSpec.ofImage("kriging", "img:1", Duration.ofSeconds(5));
    var plain = PodModel.build("s", spec, new PodModel.Target("ns", "lss", 60)).getSpec();
    assertTrue(plain.getVolumes().stream().noneMatch(v -> v.getSecret() != null), "no secret without TLS");
    assertEquals(null, plain.getContainers().get(0).getReadinessProbe().getHttpGet().getScheme());
    var pod = PodModel.build("s", spec, new PodModel.Target("ns", "lss", 60, "ot-tls-compute")).getSpec();
    var volume = pod.getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
    assertEquals("ot-tls-compute", volume.getSecret().getSecretName());
    var c = pod.getContainers().get(0);
    var mount = c.getVolumeMounts().stream().filter(m -> m.getName().equals(volume.getName())).findFirst().orElseThrow();
    assertTrue(mount.getReadOnly());
    Map<String, String> env = new java.util.HashMap<>();
    c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    assertEquals(mount.getMountPath() + "/tls.crt", env.get("OT_TLS_CERT"));
    assertEquals(mount.getMountPath() + "/tls.key", env.get("OT_TLS_KEY"));
    assertEquals(mount.getMountPath() + "/ca.crt", env.get("OT_TLS_CA"));
    assertEquals("HTTPS", c.getReadinessProbe().getHttpGet().getScheme());
    assertEquals("HTTPS", c.getLivenessProbe().getHttpGet().getScheme());
  }
}
