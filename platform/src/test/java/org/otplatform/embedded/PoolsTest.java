package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * LSS pools, the multi-level deployment: one GSS and AUTH serve a local LSS of the default pool, a
 * local LSS of pool {@code workstation} (a dedicated host) and a kubernetes-mode LSS of pool
 * {@code cluster} (the fabric8 API mock and its fake kubelet). A session type (or profile) of a
 * pool runs only on an LSS of that pool ({@code OT_LSS_POOL}), the others only on the default
 * pool's. With no LSS of its pool up a session waits in its pool's queue, saying so, while the
 * default pool's sessions open; an LSS of the pool started takes it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(240)
class PoolsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private OwnPlatform own;
  private KubernetesApi api;

  @BeforeAll
  void start() throws Exception {
    api = new KubernetesApi();
    JsonObject catalog;
    try (java.io.InputStream in = PoolsTest.class.getResourceAsStream("/catalog.json")) {
      catalog = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    JsonObject types = catalog.getJsonObject("types");
    JsonObject echoService = types.getJsonObject("echo").getJsonArray("services").getJsonObject(0);
    types.put("cad", new JsonObject().put("maxOpenPerProject", 5).put("pool", "workstation")
        .put("services", new JsonArray().add(echoService.copy())));
    types.put("pods", new JsonObject().put("maxOpenPerProject", 5).put("pool", "cluster")
        .put("services", new JsonArray().add(new JsonObject().put("name", "kriging")
            .put("image", "registry.example/ot-compute:ok"))));
    types.getJsonObject("echo").put("profiles", new JsonObject("""
        {"standard": {"description": "on the default pool"},
         "gpu": {"description": "on a workstation", "pool": "workstation"}}"""));
    Path file = Files.createTempFile("ot-catalog-pools", ".json");
    Files.writeString(file, catalog.encodePrettily());
    file.toFile().deleteOnExit();
    own = OwnPlatform.start(Map.of("OT_INSTANCE_ID", "pools", "OT_LSS_HEARTBEAT_SECONDS", "1",
        "OT_GSS_MAX_SESSIONS_PER_USER", "20", "OT_GSS_LSS_LOST_SECONDS", "3", "OT_GSS_SWEEP_SECONDS", "1",
        "OT_CATALOG", file.toString()), "pools");
    // Until it has heard every LSS the GSS queues nothing (it may not know them all yet).
    Api.await("the GSS to know its LSS", DEADLINE, () -> {
      JsonObject view = Api.get(own.gss + "/api/v1/admin/lss", own.token).expect(200).json();
      return view.getBoolean("complete") && view.getJsonArray("lss").size() == 1;
    });
  }

  @AfterAll
  void stop() {
    if (own != null) {
      own.close();
    }
    api.close();
  }

  private JsonObject open(String type, String profile) {
    JsonObject body = new JsonObject().put("project", "pools").put("type", type);
    if (profile != null) {
      body.put("profile", profile);
    }
    return Api.post(own.gss + "/api/v1/sessions", own.token, body.encode()).expect(202).json();
  }

  private JsonObject session(String id) {
    return Api.get(own.gss + "/api/v1/sessions/" + id, own.token).expect(200).json();
  }

  private String lssOf(String id) {
    return session(id).getJsonArray("services").getJsonObject(0).getString("lss");
  }

  private void awaitReady(String id) {
    Api.await("session " + id + " READY", DEADLINE, () -> "READY".equals(session(id).getString("state")));
  }

  @Test
  void aPoolsSessionsWaitForAnLssOfThatPoolAndRunOnlyThere() {
    JsonObject info = Api.get(own.gss + "/api/v1/info", null).expect(200).json();
    Map<String, JsonObject> typesByName = new java.util.HashMap<>();
    info.getJsonArray("sessionTypes").forEach(t -> typesByName.put(((JsonObject) t).getString("name"), (JsonObject) t));
    assertEquals("workstation", typesByName.get("cad").getString("pool"));
    assertEquals("default", typesByName.get("echo").getString("pool"));
    assertEquals(List.of("default", "workstation"), typesByName.get("echo").getJsonArray("profiles").stream()
        .map(p -> ((JsonObject) p).getString("pool")).toList(), "each profile's pool");

    // No LSS of pool workstation yet: its session waits, the default pool's open meanwhile.
    JsonObject cad = open("cad", null);
    assertEquals("OPENING", cad.getString("state"), cad.encode());
    assertEquals("workstation", cad.getString("pool"));
    assertTrue(cad.getJsonObject("queue").getString("reason").contains("no LSS of pool 'workstation' is running"),
        cad.encode());
    String echo = open("echo", null).getString("id");
    awaitReady(echo);
    assertEquals("pools", lssOf(echo));
    assertEquals("OPENING", session(cad.getString("id")).getString("state"), "still waiting for its pool");
    // What a pool's autoscaler reads: its own queue.
    Api.await("the pool's queue in the GSS's metrics", DEADLINE, () -> {
      List<String> metrics = Api.get(own.gss + "/metrics", null).expect(200).body().lines().toList();
      return metrics.contains("ot_sessions_queued{pool=\"workstation\"} 1.0")
          && metrics.contains("ot_sessions_queued{pool=\"default\"} 0.0");
    });

    int wsPort = own.platform.startReplica("lss", Map.of("OT_INSTANCE_ID", "lss-ws", "OT_LSS_POOL", "workstation"))
        .port();
    assertTrue(Api.get(own.platform.url(wsPort) + "/metrics", null).expect(200).body().lines()
        .anyMatch("ot_lss_capacity{pool=\"workstation\"} 20.0"::equals), "the LSS's gauges name its pool");
    awaitReady(cad.getString("id"));
    assertEquals("lss-ws", lssOf(cad.getString("id")), "run by the pool's LSS");
    JsonObject view = Api.get(own.gss + "/api/v1/admin/lss", own.token).expect(200).json();
    Map<String, String> pools = new java.util.HashMap<>();
    view.getJsonArray("lss").forEach(o -> pools.put(((JsonObject) o).getString("id"), ((JsonObject) o).getString("pool")));
    assertEquals(Map.of("pools", "default", "lss-ws", "workstation"), pools, view.encode());
    Api.await("each pool's LSS instances in the GSS's metrics", DEADLINE, () -> {
      List<String> metrics = Api.get(own.gss + "/metrics", null).expect(200).body().lines().toList();
      return metrics.contains("ot_lss_instances{pool=\"workstation\",status=\"up\"} 1.0")
          && metrics.contains("ot_lss_instances{pool=\"default\",status=\"up\"} 1.0")
          && metrics.contains("ot_lss_instances{pool=\"cluster\",status=\"up\"} 0.0");
    });

    // A profile's pool wins over its type's; the default pool's sessions stay off the workstation.
    String gpu = open("echo", "gpu").getString("id");
    String plain = open("echo", "standard").getString("id");
    awaitReady(gpu);
    awaitReady(plain);
    assertEquals("lss-ws", lssOf(gpu));
    assertEquals("pools", lssOf(plain));

    // The cluster's pool: its sessions become pods of its kubernetes-mode LSS, and only theirs do.
    own.platform.startReplica("lss", Map.of("OT_INSTANCE_ID", "lss-k8s", "OT_LSS_POOL", "cluster",
        "OT_LSS_MODE", "kubernetes", "OT_LSS_NAMESPACE", KubernetesApi.NAMESPACE));
    String pods = open("pods", null).getString("id");
    awaitReady(pods);
    assertEquals("lss-k8s", lssOf(pods));
    assertEquals("10.1.2.3:8080", session(pods).getJsonArray("services").getJsonObject(0).getString("endpoint"));
    assertEquals(List.of(pods), api.pods().stream()
        .map(p -> p.getMetadata().getLabels().get(org.otplatform.lss.k8s.PodModel.SESSION)).toList(),
        "a pod for the cluster pool's session only");

    List<String> all = List.of(echo, cad.getString("id"), gpu, plain, pods);
    for (String id : all) {
      Api.delete(own.gss + "/api/v1/sessions/" + id, own.token).expect(202);
    }
    for (String id : all) {
      Api.await("session " + id + " CLOSED by the LSS that ran it", DEADLINE,
          () -> "CLOSED".equals(session(id).getString("state")));
    }
    Api.await("its pod deleted", DEADLINE, () -> api.pods().isEmpty());
  }
}
