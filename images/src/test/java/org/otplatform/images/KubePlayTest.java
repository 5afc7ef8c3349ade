package org.otplatform.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The dev overlay's Deployments played by {@code podman kube play} against the images, as far as
 * that goes without an API server: each service's pod made from its rendered Deployment, its
 * ConfigMaps ({@code --configmap}) and Secrets (podman secrets), then the container podman made
 * compared with the manifest and the image — user, read-only root, capabilities, no privilege
 * escalation, every variable resolved from its ConfigMap or Secret, every mount with its
 * read-only flag, the container port the one the service is told to listen on and the image
 * exposes — and started: the service reads that environment and those mounts as a valid
 * configuration ("configuration accepted" in its log, no exit 78).
 *
 * <p>What kube play cannot show here (see deploy/README.md): the services reaching ready (the
 * manifests point at MongoDB with users and at an API server for the LSS), the probes (podman
 * turns them into health checks it runs with systemd timers, and by curl inside the container,
 * which the images do not have), Services, NetworkPolicies and RBAC.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class KubePlayTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private Podman podman;
  private Path work;
  private final Map<String, Map<String, Object>> deployments = new LinkedHashMap<>();
  private final List<String> configMapArgs = new ArrayList<>();
  private final List<String> secrets = new ArrayList<>();
  private final List<Path> played = new ArrayList<>();
  /** A network of the test's own: nothing answers on it (no Kafka, no MongoDB), which is the point. */
  private final String network = "ot-kube-play-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  private boolean networkMade;
  /** The host's network is this class's while it makes networks and pods (see {@link Podman#holdHostNetwork}). */
  private AutoCloseable hostNetwork;

  @BeforeAll
  @SuppressWarnings("unchecked")
  void renderAndLoadTheOverlay() throws Exception {
    podman = Podman.find(ROOT);
    boolean kubectl = Podman.onPath("kubectl");
    if (podman == null || !kubectl) {
      String why = (podman == null ? "podman" : "kubectl") + " is not installed: kube play of the dev overlay skipped";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why);
      }
      Assumptions.abort(why);
    }
    // The images: ImagesTest builds them in the same run; build them here too when run alone.
    if (podman.podman(Duration.ofSeconds(30), "image", "exists", "ot-platform/gss:0.1.0").exitCode() != 0) {
      podman.exec(List.of("env", "OT_SKIP_BUILD=1", ROOT.resolve("deploy/build-images.sh").toString()),
          Duration.ofMinutes(8), null).orFail("deploy/build-images.sh");
    }
    hostNetwork = Podman.holdHostNetwork(ROOT);
    podman.podman(Duration.ofMinutes(1), "network", "create", network).orFail("podman network create");
    networkMade = true;
    work = Files.createTempDirectory("ot-kube-play");
    Path k8s = work.resolve("k8s");
    try (Stream<Path> files = Files.walk(ROOT.resolve("deploy/k8s"))) {
      for (Path p : files.toList()) {
        Path target = k8s.resolve(ROOT.resolve("deploy/k8s").relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.toString().contains("/secrets/")) {
          Files.copy(p, target);
        }
      }
    }
    podman.exec(List.of("bash", k8s.resolve("make-secrets.sh").toString(), k8s.resolve("overlays/dev").toString()),
        Duration.ofMinutes(1), null).orFail("make-secrets.sh");
    String rendered = podman.exec(List.of("kubectl", "kustomize", k8s.resolve("overlays/dev").toString()),
        Duration.ofMinutes(2), null).orFail("kubectl kustomize").output();
    for (Object doc : new Yaml().loadAll(rendered)) {
      if (!(doc instanceof Map)) {
        continue;
      }
      Map<String, Object> object = (Map<String, Object>) doc;
      Map<String, Object> meta = (Map<String, Object>) object.get("metadata");
      String name = (String) meta.get("name");
      switch ((String) object.get("kind")) {
        case "Deployment" -> deployments.put(name, object);
        case "ConfigMap" -> {
          Path file = work.resolve("configmap-" + name + ".yaml");
          Files.writeString(file, new Yaml().dump(object));
          configMapArgs.addAll(List.of("--configmap", file.toString()));
        }
        case "Secret" -> {
          // podman 4's kube play reads a secretKeyRef from the podman secret of that name, whose
          // content is the Secret's data as JSON (key -> base64).
          Path file = work.resolve("secret-" + name + ".json");
          Files.writeString(file, new JsonObject((Map<String, Object>) object.get("data")).encode());
          podman.podman(Duration.ofSeconds(30), "secret", "rm", name);
          podman.podman(Duration.ofSeconds(30), "secret", "create", name, file.toString()).orFail("podman secret create");
          secrets.add(name);
        }
        default -> { }
      }
    }
    assertEquals(java.util.Set.of("auth", "gss", "lss", "relay", "logger"), deployments.keySet());
  }

  @AfterAll
  void cleanUp() throws Exception {
    if (podman == null) {
      return;
    }
    for (Path file : played) {
      podman.podman(Duration.ofMinutes(1), "kube", "down", file.toString());
    }
    for (String name : secrets) {
      podman.podman(Duration.ofSeconds(30), "secret", "rm", name);
    }
    if (networkMade) {
      podman.podman(Duration.ofMinutes(1), "network", "rm", "-f", network);
    }
    if (hostNetwork != null) {
      hostNetwork.close();
    }
  }

  /** Removes the pod {@code podman kube play} makes of {@code service} and its container, storage too. */
  private void removeLeftovers(String service, String container) {
    podman.podman(Duration.ofMinutes(1), "pod", "rm", "-f", "--ignore", service + "-pod-0");
    podman.podman(Duration.ofMinutes(1), "rm", "-f", "--ignore", container);
  }

  @ParameterizedTest
  @ValueSource(strings = {"auth", "gss", "lss", "relay", "logger"})
  @SuppressWarnings("unchecked")
  void theDeploymentPlaysAsItsManifestSaysAndItsServiceAcceptsTheSettings(String service) throws Exception {
    Map<String, Object> deployment = deployments.get(service);
    Path file = work.resolve("deployment-" + service + ".yaml");
    Files.writeString(file, new Yaml().dump(deployment));
    List<String> args = new ArrayList<>(List.of("kube", "play", "--start=false", "--network", network));
    args.addAll(configMapArgs);
    args.add(file.toString());
    played.add(file);
    Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) deployment
        .get("spec")).get("template")).get("spec");
    Map<String, Object> manifest = ((List<Map<String, Object>>) pod.get("containers")).get(0);
    String name = service + "-pod-0-" + manifest.get("name");
    // What a run killed mid-play left (a container in storage only) would refuse the name.
    removeLeftovers(service, name);
    try {
      podman.podman(Duration.ofMinutes(2), args.toArray(String[]::new)).orFail("podman kube play " + service);
    } catch (AssertionError e) {
      if (String.valueOf(e.getMessage()).contains("did not end within")) {
        // Seen here: podman waiting forever on a pod lock a killed podman process held (see Podman).
        throw new AssertionError(e.getMessage() + "\nIf podman is waiting on a lock a killed podman process held,"
            + " `podman system renumber` (no other podman running) frees it.", e);
      }
      throw e;
    }

    JsonObject container = new JsonArray(podman.podman(Duration.ofSeconds(30), "inspect", name)
        .orFail("podman inspect " + name).output()).getJsonObject(0);
    JsonObject config = container.getJsonObject("Config");
    JsonObject host = container.getJsonObject("HostConfig");
    JsonObject image = new JsonArray(podman.podman(Duration.ofSeconds(30), "image", "inspect",
        (String) manifest.get("image")).orFail("image inspect").output()).getJsonObject(0).getJsonObject("Config");

    Map<String, Object> podSecurity = (Map<String, Object>) pod.get("securityContext");
    Map<String, Object> security = (Map<String, Object>) manifest.get("securityContext");
    String user = podSecurity.get("runAsUser") + ":" + podSecurity.get("runAsGroup");
    assertEquals(user, config.getString("User"), "the manifest's user");
    assertEquals(image.getString("User"), user, "the manifest's user is the image's");
    assertEquals(Boolean.TRUE.equals(security.get("readOnlyRootFilesystem")), host.getBoolean("ReadonlyRootfs"));
    assertTrue(host.getJsonArray("CapDrop").contains("CAP_NET_RAW") && host.getJsonArray("CapAdd", new JsonArray())
        .isEmpty(), "capabilities dropped: " + host.getJsonArray("CapDrop"));
    assertTrue(host.getJsonArray("SecurityOpt").contains("no-new-privileges"), "no privilege escalation");

    Map<String, String> env = new LinkedHashMap<>();
    config.getJsonArray("Env").forEach(e -> {
      String[] kv = e.toString().split("=", 2);
      env.put(kv[0], kv[1]);
    });
    for (Map<String, Object> variable : (List<Map<String, Object>>) manifest.getOrDefault("env", List.of())) {
      String value = env.get((String) variable.get("name"));
      assertTrue(value != null && !value.isBlank(), service + ": " + variable.get("name") + " resolved: " + value);
    }
    assertTrue(env.containsKey("OT_KAFKA_BOOTSTRAP"), "the ConfigMap's variables (envFrom)");
    int containerPort = (Integer) ((List<Map<String, Object>>) manifest.get("ports")).get(0).get("containerPort");
    assertEquals(Integer.toString(containerPort), env.get("OT_" + service.toUpperCase() + "_PORT"),
        "the container port is the one the service listens on");
    assertTrue(image.getJsonObject("ExposedPorts").containsKey(containerPort + "/tcp"),
        "the image exposes the container port: " + image.getJsonObject("ExposedPorts"));

    Map<String, Boolean> mounts = new LinkedHashMap<>();
    container.getJsonArray("Mounts").forEach(m -> mounts.put(((JsonObject) m).getString("Destination"),
        ((JsonObject) m).getBoolean("RW")));
    for (Map<String, Object> mount : (List<Map<String, Object>>) manifest.getOrDefault("volumeMounts", List.of())) {
      String path = (String) mount.get("mountPath");
      assertTrue(mounts.containsKey(path), service + ": " + path + " mounted: " + mounts.keySet());
      assertEquals(!Boolean.TRUE.equals(mount.get("readOnly")), mounts.get(path), service + ": " + path + " writable");
    }

    // Started, the service reads those settings and mounts (the catalog file, TLS paths) as valid.
    podman.podman(Duration.ofMinutes(1), "start", name).orFail("podman start " + name);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    String log = "";
    while (System.nanoTime() < deadline) {
      log = podman.podman(Duration.ofSeconds(30), "logs", name).output();
      String state = podman.podman(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}",
          name).output().strip();
      if (log.contains("configuration accepted")) {
        break;
      }
      assertFalse(state.startsWith("exited"), service + " exited before accepting its settings (" + state + "):\n" + log);
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
    assertTrue(log.contains("configuration accepted"), service + ": no 'configuration accepted' within 120 s:\n" + log);
    assertFalse(log.contains("cannot start"), log);
  }
}
