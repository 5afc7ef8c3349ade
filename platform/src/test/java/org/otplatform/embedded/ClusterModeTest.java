package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.otplatform.lss.k8s.FakeKubelet;
import org.otplatform.lss.k8s.PodModel;

/**
 * The platform with its LSS in kubernetes mode: sessions opened through the GSS become pods in the
 * fabric8 API mock, moved along by the fake kubelet; closing deletes them; a pod that cannot pull
 * its image fails the session with that reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class ClusterModeTest {
  private static final String NS = "ot-compute";
  private static final List<String> PROPERTIES = List.of("kubernetes.master", "kubernetes.auth.tryKubeConfig",
      "kubernetes.auth.tryServiceAccount", "kubernetes.namespace");
  private KubernetesMockServer server;
  private KubernetesClient client;
  private FakeKubelet kubelet;
  private EmbeddedPlatform platform;
  private String gss;
  private String token;

  @BeforeAll
  void start() throws Exception {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient();
    kubelet = new FakeKubelet(client, NS).start();
    // The LSS's client configures itself from these, as it would from a kubeconfig.
    System.setProperty("kubernetes.master", "http://" + server.getHostName() + ":" + server.getPort());
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    System.setProperty("kubernetes.namespace", NS);
    Path catalog = Files.createTempFile("catalog", ".json");
    Files.writeString(catalog, """
        {"defaultType": "pods", "types": {
          "pods": {"maxOpenPerProject": 5, "services": [{"name": "kriging", "image": "registry.example/ot-compute:ok"}]},
          "broken": {"maxOpenPerProject": 5, "services": [{"name": "kriging", "image": "registry.example/ot-compute:pull-fail"}]},
          "oomy": {"maxOpenPerProject": 5, "services": [{"name": "kriging", "image": "registry.example/ot-compute:oom", "restartLimit": 1}]}
        }}""");
    EmbeddedPlatform.Ports ports = EmbeddedPlatform.Ports.free();
    platform = new EmbeddedPlatform(new EmbeddedPlatform.Settings(null,
        Path.of(System.getProperty("ot.broker.lib", "../broker/target/lib")),
        Map.of("OT_ADMIN_PASSWORD", SharedPlatform.ADMIN_PASSWORD, "OT_LSS_MODE", "kubernetes",
            "OT_LSS_NAMESPACE", NS, "OT_CATALOG", catalog.toString(), "OT_INSTANCE_ID", "cluster-test",
            "OT_LSS_RESTART_BACKOFF_MILLIS", "100"), ports))
        .start();
    gss = platform.url(ports.gss());
    Api.await("GSS ready", Duration.ofSeconds(90), () -> Api.get(gss + "/health/ready", null).status() == 200);
    token = Api.post(platform.url(ports.auth()) + "/api/v1/login", null,
        new JsonObject().put("username", "admin").put("password", SharedPlatform.ADMIN_PASSWORD).encode())
        .expect(200).json().getString("accessToken");
    Api.post(platform.url(ports.auth()) + "/api/v1/projects", token, "{\"name\":\"cluster-project\"}").expect(201);
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
    kubelet.close();
    client.close();
    PROPERTIES.forEach(System::clearProperty);
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // The mock's own shutdown can time out after its watches stall; nothing of ours is left.
      System.err.println("API mock did not shut down cleanly: " + e.getMessage());
    }
  }

  private JsonObject session(String id) {
    return Api.get(gss + "/api/v1/sessions/" + id, token).expect(200).json();
  }

  private List<Pod> pods() {
    return client.pods().inNamespace(NS).list().getItems();
  }

  @Test
  void aSessionRunsAsAPodAndClosingDeletesIt() {
    String id = Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"cluster-project\"}").expect(202).json()
        .getString("id");
    Api.await("session READY", Duration.ofSeconds(60), () -> "READY".equals(session(id).getString("state")));
    assertEquals("10.1.2.3:8080", session(id).getJsonArray("services").getJsonObject(0).getString("endpoint"));
    Pod pod = pods().stream().filter(p -> id.equals(p.getMetadata().getLabels().get(PodModel.SESSION)))
        .findFirst().orElseThrow();
    assertEquals("cluster-test", pod.getMetadata().getLabels().get(PodModel.LSS));

    Api.delete(gss + "/api/v1/sessions/" + id, token).expect(202);
    Api.await("session CLOSED", Duration.ofSeconds(60), () -> "CLOSED".equals(session(id).getString("state")));
    Api.await("its pod deleted", Duration.ofSeconds(30), () -> pods().stream()
        .noneMatch(p -> id.equals(p.getMetadata().getLabels().get(PodModel.SESSION))));
  }

  @Test
  void anImageThatCannotBePulledFailsTheSessionWithThatReason() {
    String id = Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"cluster-project\",\"type\":\"broken\"}")
        .expect(202).json().getString("id");
    Api.await("session FAILED", Duration.ofSeconds(60), () -> "FAILED".equals(session(id).getString("state")));
    JsonObject failed = session(id);
    assertTrue(failed.getString("reason").contains("ErrImagePull"), failed.encode());
    JsonObject service = failed.getJsonArray("services").getJsonObject(0);
    assertEquals("FAILED", service.getString("state"));
    assertTrue(service.getString("reason").contains("ErrImagePull"), service.encode());
    Api.await("no pod left", Duration.ofSeconds(30), () -> pods().stream()
        .noneMatch(p -> id.equals(p.getMetadata().getLabels().get(PodModel.SESSION))));
  }

  @Test
  void aPodKilledAfterReadyIsRestartedAsANewPodUpToTheLimit() throws Exception {
    String id = Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"cluster-project\",\"type\":\"oomy\"}")
        .expect(202).json().getString("id");
    // Ready, OOM-killed, restarted once as pod "-r1", OOM-killed again: past the limit.
    List<String[]> events = Api.readSse(gss + "/api/v1/sessions/" + id + "/events", token, null, "SessionFailed");
    List<String> types = events.stream().map(e -> e[1]).toList();
    assertEquals(2, types.stream().filter("ServiceReady"::equals).count(), types.toString());
    assertEquals(1, types.stream().filter("ServiceRestarting"::equals).count(), types.toString());
    assertTrue(types.indexOf("SessionReady") < types.indexOf("ServiceRestarting"), types.toString());
    String failed = events.stream().filter(e -> e[1].equals("ServiceFailed")).findFirst().orElseThrow()[2];
    assertEquals(137, new JsonObject(failed).getInteger("exitCode"));
    assertTrue(new JsonObject(failed).getString("reason").contains("OOMKilled"), failed);
    assertTrue(session(id).getString("reason").contains("OOMKilled"), session(id).encode());
    Api.await("no pod left", Duration.ofSeconds(30), () -> pods().stream()
        .noneMatch(p -> id.equals(p.getMetadata().getLabels().get(PodModel.SESSION))));
  }
}
