package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.otplatform.common.catalog.Catalog;
import org.otplatform.common.config.Env;
import org.otplatform.lss.k8s.PodModel;

/**
 * The checks of {@code deploy/k8s} that need no cluster: both overlays render with kustomize
 * ({@code kubectl kustomize}) and parse into typed fabric8 objects; the policies hold (probes,
 * resources, security context, pinned images, no inline secrets, the LSS's RBAC and nothing
 * wider, Services and NetworkPolicies select pods that exist, ports agree with what each service's
 * own configuration makes of its environment); and the rendered dev overlay, applied to the API
 * mock, is what an LSS configured from its Deployment opens a session against.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(240)
class DeployManifestsTest {
  private static final Path K8S = Path.of("..", "deploy", "k8s");
  private static final Map<String, Integer> SERVICE_PORTS = Map.of("gss", 8091, "auth", 8092, "lss", 8093,
      "relay", 8094, "logger", 8095);
  private KubernetesApi api;
  private Path work;
  private final Map<String, List<HasMetadata>> rendered = new HashMap<>();

  @BeforeAll
  void render() throws Exception {
    Assumptions.assumeTrue(kubectl(), "kubectl (with its built-in kustomize) is not on the PATH");
    api = new KubernetesApi();
    // A copy, so that the generated secrets' source files stay out of the work tree.
    work = Files.createTempDirectory("ot-k8s");
    try (Stream<Path> files = Files.walk(K8S)) {
      for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/secrets/")).toList()) {
        Path target = work.resolve(K8S.relativize(p).toString());
        Files.createDirectories(target.getParent());
        Files.copy(p, target);
      }
    }
    for (String overlay : List.of("dev", "prod")) {
      run(List.of("bash", work.resolve("make-secrets.sh").toString(), work.resolve("overlays/" + overlay).toString()));
      rendered.put(overlay, parse(run(List.of("kubectl", "kustomize", work.resolve("overlays/" + overlay).toString()))));
    }
    rendered.put("base", parse(run(List.of("kubectl", "kustomize", work.resolve("base").toString()))));
    // The optional components, as an operator adds them to the prod overlay.
    Path optional = Files.createDirectories(work.resolve("overlays/prod-optional"));
    Files.writeString(optional.resolve("kustomization.yaml"), """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources: [../prod]
        components: [../../components/autoscaling, ../../components/monitoring, ../../components/tracing]
        """);
    rendered.put("optional", parse(run(List.of("kubectl", "kustomize", optional.toString()))));
  }

  @AfterAll
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  private static boolean kubectl() {
    try {
      return new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start()
          .waitFor(30, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
    assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
    return out;
  }

  private List<HasMetadata> parse(String yaml) {
    List<HasMetadata> items = api.client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    assertFalse(items.isEmpty());
    for (HasMetadata item : items) {
      // cert-manager's kinds have no fabric8 model here; everything else must parse into one.
      assertTrue(!(item instanceof GenericKubernetesResource) || item.getApiVersion().equals("cert-manager.io/v1")
          || item.getApiVersion().equals("keda.sh/v1alpha1") || item.getApiVersion().equals("monitoring.coreos.com/v1"),
          "not a typed object: " + item.getApiVersion() + " " + item.getKind());
    }
    return items;
  }

  private <T extends HasMetadata> List<T> all(String overlay, Class<T> type) {
    return rendered.get(overlay).stream().filter(type::isInstance).map(type::cast).toList();
  }

  private <T extends HasMetadata> T named(String overlay, Class<T> type, String name) {
    return all(overlay, type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(type.getSimpleName() + " " + name + " not rendered in " + overlay));
  }

  /** Every pod template the overlay runs, by workload name. */
  private Map<String, PodTemplateSpec> templates(String overlay) {
    Map<String, PodTemplateSpec> result = new HashMap<>();
    all(overlay, Deployment.class).forEach(d -> result.put(d.getMetadata().getName(), d.getSpec().getTemplate()));
    all(overlay, StatefulSet.class).forEach(s -> result.put(s.getMetadata().getName(), s.getSpec().getTemplate()));
    return result;
  }

  /** The long-running workloads' pod templates and the Jobs' (which run once, without probes). */
  private Map<String, PodTemplateSpec> allPodTemplates(String overlay) {
    Map<String, PodTemplateSpec> result = templates(overlay);
    jobs(overlay).forEach((name, template) -> result.put(name, template));
    return result;
  }

  private Map<String, PodTemplateSpec> jobs(String overlay) {
    Map<String, PodTemplateSpec> result = new HashMap<>();
    all(overlay, io.fabric8.kubernetes.api.model.batch.v1.Job.class).forEach(j -> result.put(j.getMetadata().getName(),
        j.getSpec().getTemplate()));
    return result;
  }

  @Test
  void everyWorkloadHasProbesResourcesARestrictedSecurityContextAndAPinnedImage() {
    for (String overlay : List.of("dev", "prod")) {
      Map<String, PodTemplateSpec> templates = allPodTemplates(overlay);
      Set<String> jobs = jobs(overlay).keySet();
      assertEquals(overlay.equals("prod") ? Set.of("kafka-acls") : Set.of(), jobs, overlay + ": jobs");
      assertEquals(Set.of("gss", "auth", "lss", "relay", "logger", "kafka", "mongodb"),
          templates(overlay).keySet());
      templates.forEach((name, template) -> {
        String at = overlay + "/" + name;
        var pod = template.getSpec();
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), at + ": runAsNonRoot");
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType(), at + ": seccomp");
        assertEquals(!name.equals("lss"), !Boolean.TRUE.equals(pod.getAutomountServiceAccountToken()),
            at + ": only the LSS has a service-account token");
        for (Container c : pod.getContainers()) {
          assertTrue(jobs.contains(name) || c.getLivenessProbe() != null, at + ": liveness probe");
          assertTrue(jobs.contains(name) || c.getReadinessProbe() != null, at + ": readiness probe");
          if (SERVICE_PORTS.containsKey(name)) {
            assertEquals("/health/live", c.getLivenessProbe().getHttpGet().getPath(), at);
            assertEquals("/health/ready", c.getReadinessProbe().getHttpGet().getPath(), at);
          }
          for (String kind : List.of("cpu", "memory")) {
            assertNotNull(c.getResources().getRequests().get(kind), at + ": requests." + kind);
            assertNotNull(c.getResources().getLimits().get(kind), at + ": limits." + kind);
          }
          var sc = c.getSecurityContext();
          assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), at + ": allowPrivilegeEscalation");
          assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem(), at + ": readOnlyRootFilesystem");
          assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), at + ": capabilities dropped");
          assertTrue(sc.getPrivileged() == null || !sc.getPrivileged(), at + ": not privileged");
          assertPinned(c.getImage(), at);
        }
      });
    }
  }

  private static void assertPinned(String image, String at) {
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    assertTrue(colon > slash && !image.endsWith(":latest"), at + ": image " + image + " has no fixed tag");
  }

  @Test
  void secretsAreReferencedNeverWritten() {
    assertTrue(all("base", Secret.class).isEmpty(), "the base holds no Secret");
    for (String overlay : List.of("dev", "prod")) {
      templates(overlay).forEach((name, template) -> template.getSpec().getContainers().forEach(c -> {
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
          // Values that are secrets (a variable naming a Secret, *_SECRET_NAME, is not one).
          if (e.getName().matches(".*(PASSWORD|SECRET|TOKEN|MONGO_URI)") || e.getName().matches(".*_(KEY|SECRET)_.*")
              && !e.getName().endsWith("_NAME")) {
            assertTrue(e.getValue() == null && e.getValueFrom().getSecretKeyRef() != null,
                overlay + "/" + name + ": " + e.getName() + " must come from a Secret");
          }
        }
      }));
      all(overlay, ConfigMap.class).forEach(cm -> cm.getData().forEach((k, v) -> assertFalse(
          k.matches(".*(PASSWORD|SECRET|TOKEN).*") || v.matches("(?s).*mongodb://[^/]*:[^/]*@.*"),
          overlay + ": ConfigMap " + cm.getMetadata().getName() + " holds a secret in " + k)));
    }
  }

  /**
   * The autoscaling component: an HPA on CPU for each stateless service, over a Deployment that
   * requests CPU and no lower than prod's replicas; the LSS sized by KEDA on the sessions to run,
   * from metric names the services export (QueueTest reads them off /metrics), over the capacity
   * its Deployment gives it.
   */
  @Test
  void theAutoscalingComponentScalesTheStatelessServicesOnCpuAndTheLssOnSessionsToRun() {
    List<io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler> hpas = all("optional",
        io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class);
    assertEquals(java.util.Set.of("auth", "gss", "relay", "logger"),
        hpas.stream().map(h -> h.getMetadata().getName()).collect(java.util.stream.Collectors.toSet()));
    for (var hpa : hpas) {
      String name = hpa.getMetadata().getName();
      assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
      Deployment target = named("optional", Deployment.class, hpa.getSpec().getScaleTargetRef().getName());
      assertEquals(hpa.getMetadata().getNamespace(), target.getMetadata().getNamespace(), name);
      assertTrue(target.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getRequests()
          .containsKey("cpu"), name + ": CPU utilisation needs a CPU request");
      assertTrue(hpa.getSpec().getMinReplicas() >= named("prod", Deployment.class, name).getSpec().getReplicas(),
          name + ": not below prod's replicas");
      assertTrue(hpa.getSpec().getMaxReplicas() > hpa.getSpec().getMinReplicas(), name);
      assertEquals("cpu", hpa.getSpec().getMetrics().get(0).getResource().getName(), name);
    }
    GenericKubernetesResource lss = rendered.get("optional").stream()
        .filter(o -> o.getKind().equals("ScaledObject")).map(GenericKubernetesResource.class::cast).findFirst()
        .orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) lss.getAdditionalProperties().get("spec");
    @SuppressWarnings("unchecked")
    Map<String, Object> targetRef = (Map<String, Object>) spec.get("scaleTargetRef");
    Deployment target = named("optional", Deployment.class, (String) targetRef.get("name"));
    assertEquals("lss", target.getMetadata().getName());
    @SuppressWarnings("unchecked")
    Map<String, Object> trigger = ((List<Map<String, Object>>) spec.get("triggers")).get(0);
    @SuppressWarnings("unchecked")
    Map<String, String> metadata = (Map<String, String>) trigger.get("metadata");
    String capacity = target.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("OT_LSS_CAPACITY")).findFirst().orElseThrow().getValue();
    assertEquals(capacity, metadata.get("threshold"), "one LSS replica per OT_LSS_CAPACITY sessions to run");
    assertTrue(metadata.get("query").contains("ot_lss_sessions")
        && metadata.get("query").contains(org.otplatform.gss.metrics.QueueGauge.NAME), metadata.get("query"));
  }

  /** Metric families the rules and the dashboard may use: what the services export (DomainMetricsTest, QueueTest). */
  private static final java.util.Set<String> EXPORTED = java.util.Set.of("ot_session_open_seconds_count",
      "ot_session_open_seconds_bucket", "ot_session_opens_total", "ot_sessions_queued", "ot_lss_spawn_failures_total",
      "ot_lss_restarts_total", "ot_lss_instances", "ot_lss_sessions", "ot_lss_capacity", "ot_auth_logins_total",
      "ot_relay_messages_total", "ot_dead_letters_total", "ot_log_records_dropped_total",
      "ot_kafka_consumer_lag_records");

  private static java.util.Set<String> metricNames(String expr) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bot_[a-z_]+").matcher(expr);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  /**
   * The monitoring component: its PodMonitor selects every service's pods on a port they have; its
   * alert rules pass {@code promtool check rules}; the rules and the dashboard (a ConfigMap for
   * Grafana's sidecar) read only metrics the services export.
   */
  @Test
  void theMonitoringComponentScrapesEveryServiceAndItsRulesAndDashboardHold() throws Exception {
    GenericKubernetesResource monitor = rendered.get("optional").stream().filter(o -> o.getKind().equals("PodMonitor"))
        .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
    String yaml = io.fabric8.kubernetes.client.utils.Serialization.asYaml(spec);
    for (String service : SERVICE_PORTS.keySet()) {
      Deployment d = named("optional", Deployment.class, service);
      assertTrue(yaml.contains(d.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/name")),
          "the PodMonitor selects " + service + "'s pods: " + yaml);
      assertTrue(d.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
          .anyMatch(p -> "http".equals(p.getName())), service + " has the port the PodMonitor scrapes");
    }
    assertEquals(monitor.getMetadata().getNamespace(), named("optional", Deployment.class, "gss").getMetadata()
        .getNamespace());

    GenericKubernetesResource rule = rendered.get("optional").stream().filter(o -> o.getKind().equals("PrometheusRule"))
        .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
    Path rules = Files.createTempFile("ot-rules", ".yaml");
    Files.writeString(rules, io.fabric8.kubernetes.client.utils.Serialization.asYaml(
        rule.getAdditionalProperties().get("spec")));
    boolean promtool = new ProcessBuilder("sh", "-c", "command -v promtool").start().waitFor() == 0;
    if (promtool) {
      String out = run(List.of("promtool", "check", "rules", rules.toString()));
      assertTrue(out.contains("SUCCESS"), out);
    } else {
      assertTrue(!"true".equals(System.getenv("CI")), "CI runs promtool (bin/ot-test installs it)");
    }
    String ruleText = Files.readString(rules);
    assertTrue(EXPORTED.containsAll(metricNames(ruleText)), "rules read unknown metrics: " + metricNames(ruleText));

    io.fabric8.kubernetes.api.model.ConfigMap dashboards = named("optional",
        io.fabric8.kubernetes.api.model.ConfigMap.class, "ot-platform-dashboard");
    assertEquals("1", dashboards.getMetadata().getLabels().get("grafana_dashboard"));
    JsonObject dashboard = new JsonObject(dashboards.getData().get("ot-platform-dashboard.json"));
    io.vertx.core.json.JsonArray panels = dashboard.getJsonArray("panels");
    assertTrue(panels.size() >= 8, "panels: " + panels.size());
    java.util.Set<String> used = new java.util.TreeSet<>();
    for (Object o : panels) {
      JsonObject panel = (JsonObject) o;
      assertTrue(panel.containsKey("gridPos") && panel.getJsonArray("targets").size() > 0, panel.encode());
      panel.getJsonArray("targets").forEach(t -> used.addAll(metricNames(((JsonObject) t).getString("expr"))));
    }
    assertTrue(EXPORTED.containsAll(used), "the dashboard reads unknown metrics: " + used);
    assertEquals(panels.size(), panels.stream().map(p -> ((JsonObject) p).getInteger("id")).distinct().count(),
        "panel ids are unique");
  }

  /**
   * The tracing component: every service (the LSS passing it on to compute pods) is told the
   * collector, as a valid setting, and both namespaces let exactly the OTLP/HTTP port out to it;
   * the monitoring component lets Prometheus in to every service's metrics port.
   */
  @Test
  void theTracingComponentPointsEveryServiceAtTheCollectorAndOpensOnlyItsPort() {
    Map<String, String> config = named("optional", ConfigMap.class, "ot-config").getData();
    assertEquals("http://otel-collector.observability.svc:4318", config.get("OTEL_EXPORTER_OTLP_ENDPOINT"));
    assertEquals(java.net.URI.create("http://otel-collector.observability.svc:4318"),
        org.otplatform.common.tracing.Tracing.Settings.from(new org.otplatform.common.config.Env(config)).otlpEndpoint());
    for (String service : SERVICE_PORTS.keySet()) {
      assertTrue(named("optional", Deployment.class, service).getSpec().getTemplate().getSpec().getContainers().get(0)
          .getEnvFrom().stream().anyMatch(e -> e.getConfigMapRef() != null
              && "ot-config".equals(e.getConfigMapRef().getName())), service + " reads ot-config");
    }
    Pod compute = PodModel.build("s", catalog("optional").types().get("kriging").services().get(0),
        new PodModel.Target("ot-compute", "lss", 60));
    Map<String, Map<String, String>> podsIn = Map.of(
        "ot-platform", named("optional", Deployment.class, "lss").getSpec().getTemplate().getMetadata().getLabels(),
        "ot-compute", compute.getMetadata().getLabels());
    podsIn.forEach((ns, labels) -> {
      NetworkPolicy out = all("optional", NetworkPolicy.class).stream()
          .filter(p -> p.getMetadata().getName().equals("to-otel-collector") && p.getMetadata().getNamespace().equals(ns))
          .findFirst().orElseThrow(() -> new AssertionError("no egress to the collector from " + ns));
      assertTrue(matches(out.getSpec().getPodSelector(), labels), ns + ": the policy selects its pods");
      assertEquals(List.of("Egress"), out.getSpec().getPolicyTypes());
      var rule = out.getSpec().getEgress().get(0);
      assertEquals(4318, rule.getPorts().get(0).getPort().getIntVal(), "only OTLP/HTTP");
      assertEquals("observability", rule.getTo().get(0).getNamespaceSelector().getMatchLabels()
          .get("kubernetes.io/metadata.name"));
    });
    NetworkPolicy scrape = named("optional", NetworkPolicy.class, "from-prometheus");
    for (String service : SERVICE_PORTS.keySet()) {
      assertTrue(matches(scrape.getSpec().getPodSelector(), named("optional", Deployment.class, service).getSpec()
          .getTemplate().getMetadata().getLabels()), "Prometheus may scrape " + service);
    }
    assertEquals("http", scrape.getSpec().getIngress().get(0).getPorts().get(0).getPort().getStrVal());
  }

  @Test
  void rbacIsTheLssRoleOnComputePodsAndNothingWider() {
    for (String overlay : List.of("dev", "prod")) {
      assertTrue(all(overlay, ClusterRole.class).isEmpty() && all(overlay, ClusterRoleBinding.class).isEmpty(),
          overlay + ": nothing cluster-wide");
      List<Role> roles = all(overlay, Role.class);
      assertEquals(1, roles.size(), overlay + ": one Role");
      Role role = roles.get(0);
      assertEquals("ot-compute", role.getMetadata().getNamespace());
      Map<String, List<String>> verbs = new HashMap<>();
      for (PolicyRule rule : role.getRules()) {
        assertEquals(List.of(""), rule.getApiGroups(), "core group only");
        rule.getResources().forEach(r -> verbs.put(r, rule.getVerbs()));
      }
      assertEquals(Map.of("pods", List.of("create", "get", "list", "watch", "delete", "patch"), "pods/log", List.of("get"),
          "events", List.of("list", "watch"), "persistentvolumeclaims", List.of("create", "get", "list", "delete")),
          verbs, "projects' claims: made, found and removed, never changed");
      RoleBinding binding = all(overlay, RoleBinding.class).get(0);
      assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
      assertEquals(1, binding.getSubjects().size());
      assertEquals("ot-lss", binding.getSubjects().get(0).getName());
      assertEquals("ot-lss", named(overlay, Deployment.class, "lss").getSpec().getTemplate().getSpec()
          .getServiceAccountName());
    }
  }

  @Test
  void servicesAndPoliciesSelectPodsThatExistOnPortsTheyOpen() {
    for (String overlay : List.of("dev", "prod")) {
      Map<String, PodTemplateSpec> templates = allPodTemplates(overlay);
      for (Service service : all(overlay, Service.class)) {
        String at = overlay + ": Service " + service.getMetadata().getName();
        List<PodTemplateSpec> selected = templates.values().stream()
            .filter(t -> matches(service.getSpec().getSelector(), t.getMetadata().getLabels())).toList();
        assertFalse(selected.isEmpty(), at + " selects no pods");
        for (ServicePort port : service.getSpec().getPorts()) {
          String target = port.getTargetPort().getStrVal();
          assertNotNull(target, at + ": targetPort by name");
          selected.forEach(t -> assertTrue(ports(t).stream().anyMatch(p -> target.equals(p.getName())),
              at + ": no container port named " + target));
        }
      }
      Pod compute = PodModel.build("s", catalog(overlay).types().get("kriging").services().get(0),
          new PodModel.Target("ot-compute", "lss", 60));
      Pod warm = PodModel.buildWarm(catalog(overlay).types().get("kriging").services().get(0), 0,
          "a-token-a-token-a-token-a-token!", Map.of(), new PodModel.Target("ot-compute", "lss", 60));
      for (String name : List.of("from-relay", "from-lss")) {
        LabelSelector into = named(overlay, NetworkPolicy.class, name).getSpec().getPodSelector();
        assertTrue(matches(into, warm.getMetadata().getLabels()) && matches(into, compute.getMetadata().getLabels()),
            overlay + ": " + name + " admits to warm pods and sessions' pods");
      }
      Function<String, List<Map<String, String>>> podsIn = ns -> ns.equals("ot-compute")
          ? List.of(compute.getMetadata().getLabels())
          : templates.values().stream().map(t -> t.getMetadata().getLabels()).toList();
      for (NetworkPolicy policy : all(overlay, NetworkPolicy.class)) {
        String at = overlay + ": NetworkPolicy " + policy.getMetadata().getNamespace() + "/"
            + policy.getMetadata().getName();
        String ns = policy.getMetadata().getNamespace();
        LabelSelector selector = policy.getSpec().getPodSelector();
        assertTrue(empty(selector) || podsIn.apply(ns).stream().anyMatch(l -> matches(selector, l)),
            at + " selects no pods");
        List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer> peers = new ArrayList<>();
        policy.getSpec().getIngress().forEach(r -> peers.addAll(r.getFrom()));
        policy.getSpec().getEgress().forEach(r -> peers.addAll(r.getTo()));
        for (var peer : peers) {
          if (peer.getPodSelector() == null) {
            continue;
          }
          String peerNs = peer.getNamespaceSelector() == null ? ns
              : peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name");
          assertTrue(podsIn.apply(peerNs).stream().anyMatch(l -> matches(peer.getPodSelector(), l)),
              at + ": a peer selects no pods in " + peerNs);
        }
      }
      for (String ns : List.of("ot-platform", "ot-compute")) {
        assertTrue(all(overlay, NetworkPolicy.class).stream().anyMatch(p -> p.getMetadata().getNamespace().equals(ns)
                && p.getMetadata().getName().equals("default-deny")
                && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))),
            overlay + ": " + ns + " denies by default");
      }
    }
  }

  @Test
  void eachServiceReadsItsEnvironmentAsAValidConfigurationListeningWhereItsPodSaysSo() throws IOException {
    for (String overlay : List.of("dev", "prod")) {
      for (var entry : SERVICE_PORTS.entrySet()) {
        String name = entry.getKey();
        Container c = named(overlay, Deployment.class, name).getSpec().getTemplate().getSpec().getContainers().get(0);
        int port = ServiceConfigs.port(name,
            new Env(environment(overlay, named(overlay, Deployment.class, name).getSpec().getTemplate(), c)));
        assertEquals(entry.getValue(), port, overlay + "/" + name);
        assertEquals(port, ports(named(overlay, Deployment.class, name).getSpec().getTemplate()).stream()
            .filter(p -> "http".equals(p.getName())).findFirst().orElseThrow().getContainerPort(), overlay + "/" + name);
      }
      catalog(overlay).types().values()
          .forEach(t -> t.services().forEach(s -> assertPinned(s.image(), overlay + ": catalog " + s.name())));
    }
  }

  @Test
  void prodRunsReplicasApartWithDisruptionBudgetsAndDevRunsOneOfEach() {
    Map<String, PodTemplateSpec> templates = templates("prod");
    for (Deployment d : all("prod", Deployment.class)) {
      String name = d.getMetadata().getName();
      assertTrue(d.getSpec().getReplicas() >= 2, "prod/" + name + " replicas");
      var terms = d.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
          .getPreferredDuringSchedulingIgnoredDuringExecution();
      assertTrue(terms.stream().anyMatch(t -> matches(t.getPodAffinityTerm().getLabelSelector(),
          d.getSpec().getTemplate().getMetadata().getLabels())), "prod/" + name + " anti-affinity with itself");
    }
    StatefulSet kafka = named("prod", StatefulSet.class, "kafka");
    assertEquals(3, kafka.getSpec().getReplicas());
    assertEquals("3", kafka.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("KAFKA_REPLICAS")).findFirst().orElseThrow().getValue(),
        "the quorum the start script builds has every replica");
    assertEquals("3", named("prod", ConfigMap.class, "ot-config").getData().get("OT_KAFKA_TOPIC_REPLICATION"));
    List<PodDisruptionBudget> budgets = all("prod", PodDisruptionBudget.class);
    for (String name : List.of("gss", "auth", "lss", "relay", "logger", "kafka")) {
      assertTrue(budgets.stream().anyMatch(b -> matches(b.getSpec().getSelector(), templates.get(name).getMetadata()
          .getLabels())), "prod: a PodDisruptionBudget for " + name);
    }
    all("dev", Deployment.class).forEach(d -> assertEquals(1, d.getSpec().getReplicas(), d.getMetadata().getName()));
    assertTrue(all("dev", PodDisruptionBudget.class).isEmpty());
  }

  /**
   * The rendered dev overlay goes into the API mock as {@code kubectl apply} would send it; an LSS
   * with the settings of the LSS Deployment (mode, namespace, capacity, the catalog ConfigMap as
   * mounted) then opens a session: its pod lands in the compute namespace the RBAC is for, and
   * is one the compute namespace's network policy lets the relay reach.
   */
  @Test
  void theLssOfTheDevOverlayOpensASessionAgainstTheApi() throws Exception {
    for (HasMetadata item : rendered.get("dev")) {
      api.client.resource(item).create();
    }
    assertEquals(Set.of("auth", "gss", "lss", "relay", "logger"), api.client.apps().deployments()
        .inNamespace("ot-platform").list().getItems().stream().map(d -> d.getMetadata().getName())
        .collect(java.util.stream.Collectors.toSet()));
    Deployment lss = api.client.apps().deployments().inNamespace("ot-platform").withName("lss").get();
    Map<String, String> env = new HashMap<>();
    environment("dev", lss.getSpec().getTemplate(), lss.getSpec().getTemplate().getSpec().getContainers().get(0))
        .forEach((k, v) -> {
          if (k.startsWith("OT_LSS_") && !k.equals("OT_LSS_PORT") || k.equals("OT_CATALOG")) {
            env.put(k, v);
          }
        });
    assertEquals("kubernetes", env.get("OT_LSS_MODE"));
    assertEquals(KubernetesApi.NAMESPACE, env.get("OT_LSS_NAMESPACE"));
    try (OwnPlatform own = OwnPlatform.start(env, "deploy-project")) {
      String id = Api.post(own.gss + "/api/v1/sessions", own.token, "{\"project\":\"deploy-project\"}").expect(202)
          .json().getString("id");
      Api.await("session READY", Duration.ofSeconds(90), () -> "READY".equals(
          Api.get(own.gss + "/api/v1/sessions/" + id, own.token).expect(200).json().getString("state")));
      Pod pod = api.pods(id).get(0);
      assertEquals("ot-platform/compute:0.1.0", pod.getSpec().getContainers().get(0).getImage());
      NetworkPolicy fromRelay = api.client.network().v1().networkPolicies().inNamespace(KubernetesApi.NAMESPACE)
          .withName("from-relay").get();
      assertTrue(matches(fromRelay.getSpec().getPodSelector(), pod.getMetadata().getLabels()),
          "the relay may reach the session's pod");
      assertEquals(8080, fromRelay.getSpec().getIngress().get(0).getPorts().get(0).getPort().getIntVal());
      assertEquals(8080, pod.getSpec().getContainers().get(0).getPorts().get(0).getContainerPort());
      Api.delete(own.gss + "/api/v1/sessions/" + id, own.token).expect(202);
      Api.await("its pod deleted", Duration.ofSeconds(60), () -> api.pods(id).isEmpty());
    }
  }

  private org.otplatform.embedded.tls.CertificateAuthority testCa;

  private org.otplatform.embedded.tls.CertificateAuthority testCa() {
    if (testCa == null) {
      testCa = org.otplatform.embedded.tls.CertificateAuthority.create("manifest test CA", Duration.ofDays(1));
    }
    return testCa;
  }

  private List<GenericKubernetesResource> certificates(String overlay) {
    return all(overlay, GenericKubernetesResource.class).stream().filter(r -> r.getKind().equals("Certificate"))
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
  }

  /**
   * Prod runs on mutual TLS: every service and Kafka mount a certificate that cert-manager makes
   * from the platform CA, for both ends of TLS, with the Service names the others use; services call
   * each other over https and probe over HTTPS. Dev stays plain.
   */
  @Test
  @SuppressWarnings("unchecked")
  void prodRunsOnMutualTlsWithCertificatesFromCertManager() {
    Map<String, String> config = named("prod", ConfigMap.class, "ot-config").getData();
    assertTrue(config.get("OT_AUTH_URL").startsWith("https://auth."), config.toString());
    assertTrue(config.get("OT_GSS_URL").startsWith("https://gss."), config.toString());
    assertTrue(config.get("OT_PUBLIC_RELAY_URL").startsWith("wss://"), config.toString());
    Map<String, GenericKubernetesResource> bySecret = new HashMap<>();
    certificates("prod").forEach(c -> bySecret.put((String) spec(c).get("secretName"), c));
    for (var entry : templates("prod").entrySet()) {
      String name = entry.getKey();
      if (name.equals("mongodb")) {
        assertMongoOnMutualTls(entry.getValue(), bySecret.get("ot-tls-mongodb"));
        continue;
      }
      var volume = entry.getValue().getSpec().getVolumes().stream().filter(v -> v.getSecret() != null
          && v.getSecret().getSecretName().equals("ot-tls-" + name)).findFirst()
          .orElseThrow(() -> new AssertionError("prod/" + name + " mounts no ot-tls-" + name));
      Map<String, Object> certificate = spec(bySecret.get(volume.getSecret().getSecretName()));
      assertEquals(Map.of("name", "ot-ca", "kind", "ClusterIssuer"), certificate.get("issuerRef"), name);
      assertTrue(((List<String>) certificate.get("usages")).containsAll(List.of("server auth", "client auth")), name);
      assertTrue(((List<String>) certificate.get("dnsNames")).contains(name + ".ot-platform.svc"), name);
      if (SERVICE_PORTS.containsKey(name)) {
        Container c = entry.getValue().getSpec().getContainers().get(0);
        assertEquals("HTTPS", c.getReadinessProbe().getHttpGet().getScheme(), name);
        assertEquals("HTTPS", c.getLivenessProbe().getHttpGet().getScheme(), name);
      }
    }
    assertTrue(((List<String>) spec(bySecret.get("ot-tls-kafka")).get("dnsNames"))
        .contains("*.kafka-headless.ot-platform.svc"), "each broker's own name");
    // Compute pods: the LSS mounts a certificate of the same CA that cert-manager makes in ot-compute.
    String computeSecret = named("prod", Deployment.class, "lss").getSpec().getTemplate().getSpec().getContainers()
        .get(0).getEnv().stream().filter(e -> e.getName().equals("OT_LSS_COMPUTE_TLS_SECRET_NAME")).findFirst()
        .orElseThrow().getValue();
    GenericKubernetesResource compute = bySecret.get(computeSecret);
    assertEquals("ot-compute", compute.getMetadata().getNamespace(), "the Secret must be where the pods are");
    assertEquals(Map.of("name", "ot-ca", "kind", "ClusterIssuer"), spec(compute).get("issuerRef"));
    assertTrue(((List<String>) spec(compute).get("usages")).containsAll(List.of("server auth", "client auth")));
    GenericKubernetesResource ca = certificates("prod").stream().filter(c -> Boolean.TRUE.equals(spec(c).get("isCA")))
        .findFirst().orElseThrow();
    assertEquals("ot-ca", spec(ca).get("secretName"));
    assertTrue(certificates("dev").isEmpty());
    assertTrue(named("dev", ConfigMap.class, "ot-config").getData().get("OT_AUTH_URL").startsWith("http://"));
  }

  /**
   * MongoDB in prod: TLS only, a client certificate of the platform CA required (a CA file and no
   * {@code --tlsAllowConnectionsWithoutCertificates}), its own certificate as the combined PEM
   * cert-manager writes, a probe that connects the same way; the services' URI asks for TLS in prod
   * and not in dev.
   */
  @SuppressWarnings("unchecked")
  private void assertMongoOnMutualTls(PodTemplateSpec pod, GenericKubernetesResource certificate) {
    assertTrue(certificate != null, "prod has a Certificate for ot-tls-mongodb");
    assertEquals(Map.of("name", "ot-ca", "kind", "ClusterIssuer"), spec(certificate).get("issuerRef"));
    assertTrue(((List<String>) spec(certificate).get("dnsNames")).contains("mongodb.ot-platform.svc"));
    assertEquals(List.of(Map.of("type", "CombinedPEM")), spec(certificate).get("additionalOutputFormats"));
    String mount = pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null
        && v.getSecret().getSecretName().equals("ot-tls-mongodb")).findFirst().map(v -> v.getName())
        .orElseThrow(() -> new AssertionError("prod/mongodb mounts no ot-tls-mongodb"));
    Container c = pod.getSpec().getContainers().get(0);
    String dir = c.getVolumeMounts().stream().filter(m -> m.getName().equals(mount)).findFirst().orElseThrow()
        .getMountPath();
    List<String> args = c.getArgs();
    assertEquals("requireTLS", args.get(args.indexOf("--tlsMode") + 1), args.toString());
    assertEquals(dir + "/tls-combined.pem", args.get(args.indexOf("--tlsCertificateKeyFile") + 1), args.toString());
    assertEquals(dir + "/ca.crt", args.get(args.indexOf("--tlsCAFile") + 1), args.toString());
    assertFalse(args.contains("--tlsAllowConnectionsWithoutCertificates"), args.toString());
    assertTrue(c.getReadinessProbe().getExec().getCommand().contains("--tls"), "the probe must speak TLS");
    for (String service : List.of("auth", "gss", "logger")) {
      assertTrue(mongoUri("prod", service).contains("tls=true"), "prod services must ask for TLS");
      assertFalse(mongoUri("dev", service).contains("tls=true"), "dev runs MongoDB in plain text");
    }
  }

  /** Each service signs in to MongoDB as its own user, which the init script gives its own database only. */
  @Test
  void everyServiceHasAMongoUserOfItsOwn() throws Exception {
    String init = Files.readString(work.resolve("base/mongodb-init/create-app-user.js"));
    Map<String, String> databases = Map.of("auth", "ot_auth", "gss", "ot_gss", "logger", "ot_logs");
    java.util.Set<String> users = new java.util.HashSet<>();
    for (var e : databases.entrySet()) {
      String uri = mongoUri("dev", e.getKey());
      String user = uri.substring("mongodb://".length(), uri.indexOf(':', "mongodb://".length()));
      assertEquals("ot-" + e.getKey(), user, uri);
      users.add(user);
      assertTrue(init.contains("[\"" + e.getKey() + "\", \"" + e.getValue() + "\"]"), "the init script gives "
          + user + " readWrite on " + e.getValue() + " only");
      Deployment d = named("dev", Deployment.class, e.getKey());
      EnvVar env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
          .filter(v -> v.getName().equals("OT_MONGO_URI")).findFirst().orElseThrow();
      assertEquals(e.getKey() + "-uri", env.getValueFrom().getSecretKeyRef().getKey(), e.getKey());
    }
    assertEquals(3, users.size());
  }

  /** A service's MongoDB connection string, from the overlay's generated ot-mongo Secret. */
  private String mongoUri(String overlay, String service) {
    Secret secret = all(overlay, Secret.class).stream().filter(x -> x.getMetadata().getName().startsWith("ot-mongo"))
        .findFirst().orElseThrow();
    // The rendered value may be wrapped across lines: the MIME decoder reads it.
    String uri = new String(java.util.Base64.getMimeDecoder().decode(secret.getData().get(service + "-uri")),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(uri.startsWith("mongodb://"), overlay + ": " + uri);
    return uri;
  }

  /**
   * Kafka's start script, run from the rendered ConfigMap with stand-ins for Kafka's own scripts:
   * node id from the pod's ordinal, a quorum of every replica, replication from the size, and in
   * prod SSL listeners requiring client certificates with a key store of key and chain, and
   * authorisation by certificate name with the brokers the only super users.
   */
  @Test
  void theKafkaStartScriptConfiguresTheQuorumReplicationAndTls() throws Exception {
    for (String overlay : List.of("dev", "prod")) {
      StatefulSet kafka = named(overlay, StatefulSet.class, "kafka");
      Map<String, String> env = new HashMap<>();
      for (EnvVar e : kafka.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
        env.put(e.getName(), e.getValue() != null ? e.getValue() : "test-cluster-id");
      }
      int replicas = kafka.getSpec().getReplicas();
      Path home = Files.createTempDirectory(work, "kafka-home");
      Path scratch = Files.createTempDirectory(work, "kafka-work");
      Files.createDirectories(home.resolve("bin"));
      Files.writeString(home.resolve("bin/kafka-storage.sh"), "#!/bin/sh\necho \"$@\" > \"$KAFKA_WORK_DIR/format\"\n");
      Files.writeString(home.resolve("bin/kafka-server-start.sh"),
          "#!/bin/sh\ncp \"$1\" \"$KAFKA_WORK_DIR/started.properties\"\n");
      home.resolve("bin").toFile().listFiles(f -> f.setExecutable(true));
      Path script = scratch.resolve("start.sh");
      Files.writeString(script, named(overlay, ConfigMap.class, "kafka-start").getData().get("start.sh"));
      ProcessBuilder builder = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true);
      builder.environment().putAll(env);
      builder.environment().put("HOSTNAME", "kafka-" + (replicas - 1));
      builder.environment().put("KAFKA_HOME", home.toString());
      builder.environment().put("KAFKA_WORK_DIR", scratch.toString());
      if (env.containsKey("KAFKA_TLS_DIR")) {
        Path tls = Files.createTempDirectory(work, "kafka-tls");
        testCa().issue("kafka", List.of("localhost"), Duration.ofDays(1)).write(tls, testCa().certificate());
        builder.environment().put("KAFKA_TLS_DIR", tls.toString());
      }
      Process p = builder.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), overlay + ": " + out);
      Properties props = new Properties();
      try (var in = Files.newInputStream(scratch.resolve("started.properties"))) {
        props.load(in);
      }
      String at = overlay + " kafka: ";
      assertEquals(Integer.toString(replicas - 1), props.getProperty("node.id"), at);
      assertEquals(replicas, props.getProperty("controller.quorum.voters").split(",").length, at);
      int rf = Math.min(3, replicas);
      assertEquals(Integer.toString(rf), props.getProperty("offsets.topic.replication.factor"), at);
      assertEquals(Integer.toString(rf), props.getProperty("default.replication.factor"), at);
      assertTrue(Files.readString(scratch.resolve("format")).contains("--ignore-formatted"), at);
      boolean tls = overlay.equals("prod");
      assertEquals(tls ? "SSL://:9092,CONTROLLER://:9093" : "PLAINTEXT://:9092,CONTROLLER://:9093",
          props.getProperty("listeners"), at);
      if (tls) {
        assertEquals("required", props.getProperty("ssl.client.auth"), at);
        assertEquals("SSL:SSL,CONTROLLER:SSL", props.getProperty("listener.security.protocol.map"), at);
        // Authorisation by certificate name, as KafkaAclsTest runs a broker against kafka-acls.yaml.
        assertEquals(KafkaBroker.PRINCIPAL_RULE, props.getProperty("ssl.principal.mapping.rules"), at);
        assertEquals("org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            props.getProperty("authorizer.class.name"), at);
        assertEquals("false", props.getProperty("allow.everyone.if.no.acl.found"), at);
        assertEquals("User:kafka", props.getProperty("super.users"), at);
        String keystore = Files.readString(Path.of(props.getProperty("ssl.keystore.location")));
        assertTrue(keystore.startsWith("-----BEGIN PRIVATE KEY-----") && keystore.contains("BEGIN CERTIFICATE"), at);
      }
    }
  }

  private Catalog catalog(String overlay) {
    ConfigMap catalog = all(overlay, ConfigMap.class).stream()
        .filter(cm -> cm.getMetadata().getName().startsWith("ot-catalog-")).findFirst().orElseThrow();
    return Catalog.parse(new JsonObject(catalog.getData().get("catalog.json")), "ot-catalog");
  }

  /**
   * The container's environment as the kubelet would give it: ConfigMaps and Secrets expanded,
   * paths into mounted ConfigMaps pointing at a copy of their files.
   */
  private Map<String, String> environment(String overlay, PodTemplateSpec template, Container c) throws IOException {
    Map<String, String> env = new HashMap<>();
    c.getEnvFrom().forEach(from -> env.putAll(named(overlay, ConfigMap.class, from.getConfigMapRef().getName())
        .getData()));
    for (EnvVar e : c.getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      } else if (e.getValueFrom().getSecretKeyRef() != null) {
        Secret secret = named(overlay, Secret.class, e.getValueFrom().getSecretKeyRef().getName());
        assertTrue(secret.getData().containsKey(e.getValueFrom().getSecretKeyRef().getKey()), e.getName());
        env.put(e.getName(), new String(java.util.Base64.getMimeDecoder().decode(
            secret.getData().get(e.getValueFrom().getSecretKeyRef().getKey())), StandardCharsets.UTF_8));
      } else {
        env.put(e.getName(), "pod-name-0");
      }
    }
    for (var mount : c.getVolumeMounts()) {
      var volume = template.getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
          .findFirst().orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
      if (volume.getSecret() != null && volume.getSecret().getSecretName().startsWith("ot-tls-")) {
        // A cert-manager Certificate's Secret: a certificate of a test CA in its place.
        String secretName = volume.getSecret().getSecretName();
        assertTrue(certificates(overlay).stream().anyMatch(r -> secretName.equals(spec(r).get("secretName"))),
            "no Certificate makes " + secretName);
        Path dir = Files.createTempDirectory(work, "tls");
        testCa().issue("test", List.of("localhost"), Duration.ofDays(1)).write(dir, testCa().certificate());
        env.replaceAll((k, v) -> v.startsWith(mount.getMountPath() + "/")
            ? dir + v.substring(mount.getMountPath().length()) : v);
      }
      if (volume.getConfigMap() != null) {
        Path dir = Files.createTempDirectory(work, "mount");
        for (var file : named(overlay, ConfigMap.class, volume.getConfigMap().getName()).getData().entrySet()) {
          Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
        env.replaceAll((k, v) -> v.startsWith(mount.getMountPath() + "/")
            ? dir + v.substring(mount.getMountPath().length()) : v);
      }
    }
    return env;
  }

  private static List<ContainerPort> ports(PodTemplateSpec template) {
    List<ContainerPort> ports = new ArrayList<>();
    template.getSpec().getContainers().forEach(c -> ports.addAll(c.getPorts()));
    return ports;
  }

  private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static boolean empty(LabelSelector selector) {
    return (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
        && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
  }

  private static boolean matches(LabelSelector selector, Map<String, String> labels) {
    boolean byLabels = selector.getMatchLabels() == null
        || selector.getMatchLabels().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    boolean byExpressions = selector.getMatchExpressions() == null || selector.getMatchExpressions().stream()
        .allMatch(x -> switch (x.getOperator()) {
          case "In" -> x.getValues().contains(labels.get(x.getKey()));
          case "NotIn" -> !x.getValues().contains(labels.get(x.getKey()));
          case "Exists" -> labels.containsKey(x.getKey());
          default -> !labels.containsKey(x.getKey());
        });
    return byLabels && byExpressions;
  }
}
