package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.otplatform.common.catalog.ServiceSpec;
import org.otplatform.common.service.ServiceLauncher;
import org.otplatform.lss.k8s.PodModel;

/**
 * The platform with its LSS in kubernetes mode: sessions opened through the GSS become pods in the
 * fabric8 API mock, moved along by the fake kubelet; closing deletes them; a pod that cannot pull
 * its image fails the session with that reason once its grace ran out; a pod no node fits opens once
 * the autoscaler adds one, what the cluster said on the way in the session's stream, or fails at the
 * end of its grace; a pod killed after READY is restarted; pods of
 * over or unknown sessions are removed; and when the LSS stops, a second LSS finishes and keeps
 * its sessions with the same pods (last, as it replaces the platform's LSS).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class ClusterModeTest {
  private static final String NS = KubernetesApi.NAMESPACE;
  private KubernetesApi api;
  private EmbeddedPlatform platform;
  private String gss;
  private String token;

  @BeforeAll
  void start() throws Exception {
    api = new KubernetesApi();
    Path catalog = Files.createTempFile("catalog", ".json");
    Files.writeString(catalog, """
        {"defaultType": "pods", "types": {
          "pods": {"maxOpenPerProject": 5, "services": [{"name": "kriging", "image": "registry.example/ot-compute:ok"}]},
          "broken": {"maxOpenPerProject": 5, "schedulingGraceSeconds": 1, "services": [{"name": "kriging", "image": "registry.example/ot-compute:pull-fail"}]},
          "autoscaled": {"maxOpenPerProject": 5, "schedulingGraceSeconds": 60, "services": [{"name": "kriging", "image": "registry.example/ot-compute:scale-up", "startTimeoutSeconds": 2}]},
          "gpu": {"maxOpenPerProject": 5, "defaultProfile": "cpu",
                  "profiles": {"cpu": {"description": "CPU only"},
                               "a100": {"description": "one GPU", "groups": ["gpu-users"],
                                        "resources": {"limits": {"nvidia.com/gpu": "1"}},
                                        "nodeSelector": {"accelerator": "a100"},
                                        "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]}},
                  "services": [{"name": "kriging", "image": "registry.example/ot-compute:ok"}]},
          "nonode": {"maxOpenPerProject": 5, "schedulingGraceSeconds": 1, "services": [{"name": "kriging", "image": "registry.example/ot-compute:unschedulable"}]},
          "oomy": {"maxOpenPerProject": 5, "services": [{"name": "kriging", "image": "registry.example/ot-compute:oom", "restartLimit": 1}]},
          "late": {"maxOpenPerProject": 5, "services": [{"name": "kriging", "image": "registry.example/ot-compute:late"}]}
        }}""");
    OwnPlatform own = OwnPlatform.start(Map.of("OT_LSS_MODE", "kubernetes",
        "OT_LSS_NAMESPACE", NS, "OT_CATALOG", catalog.toString(), "OT_INSTANCE_ID", "cluster-test",
        "OT_LSS_RESTART_BACKOFF_MILLIS", "100", "OT_LSS_HEARTBEAT_SECONDS", "1", "OT_GSS_LSS_LOST_SECONDS", "3",
        "OT_GSS_SWEEP_SECONDS", "1"), "cluster-project");
    platform = own.platform;
    gss = own.gss;
    token = own.token;
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
    api.close();
  }

  private JsonObject session(String id) {
    return Api.get(gss + "/api/v1/sessions/" + id, token).expect(200).json();
  }

  private List<Pod> pods() {
    return api.pods();
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

  /**
   * The LSS follows the pod's log through the API: each line becomes a record of the session and
   * service, with the container's time and an id that stays the same when the line is read again;
   * those records, as the log appender encodes them, land in the logger once each, masked. (The
   * appender itself is one per JVM and may belong to another test's platform here; its way to
   * Kafka is shown by LogShippingTest and EndToEndTest.)
   */
  @Test
  void aPodsLogLinesBecomeTheSessionsRecordsInTheLogger() throws Exception {
    List<JsonObject> records;
    String id;
    try (org.otplatform.lss.k8s.ComputeOutput seen = new org.otplatform.lss.k8s.ComputeOutput()) {
      id = Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"cluster-project\"}").expect(202).json()
          .getString("id");
      Api.await("session READY", Duration.ofSeconds(60), () -> "READY".equals(session(id).getString("state")));
      java.util.function.Supplier<List<JsonObject>> ofSession = () -> seen.records().stream()
          .map(e -> org.otplatform.common.logging.LogRecordJson.of(e, "lss", "cluster-test"))
          .filter(r -> id.equals(r.getString("session"))).toList();
      Api.await("the pod's three lines from the LSS", Duration.ofSeconds(60),
          () -> ofSession.get().stream().map(r -> r.getString("id")).distinct().count() == 3);
      records = ofSession.get();
    }
    for (JsonObject r : records) {
      assertEquals("kriging", r.getString("service"), r.encode());
      assertEquals("compute", r.getString("source"), r.encode());
      assertTrue(r.getString("pod").startsWith("ot-kriging-"), r.encode());
    }
    LogRecords.produce(platform, records);
    String url = platform.url(platform.ports().logger()) + "/api/v1/logs?session=" + id + "&service=kriging";
    List<String>[] stored = new List[1];
    Api.await("the three lines in the logger", Duration.ofSeconds(60), () -> {
      stored[0] = Api.get(url, token).expect(200).json().getJsonArray("records").stream()
          .map(o -> ((JsonObject) o).getString("message")).toList();
      return stored[0].size() >= 3;
    });
    List<String> lines = stored[0];
    assertEquals(3, lines.size(), "each line once: " + lines);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("compute service ")), lines.toString());
    assertTrue(lines.contains("connecting to the model store with password=***"), lines.toString());
    assertTrue(lines.contains("listening on 8080"), lines.toString());
    Api.delete(gss + "/api/v1/sessions/" + id, token).expect(202);
    Api.await("session CLOSED", Duration.ofSeconds(60), () -> "CLOSED".equals(session(id).getString("state")));
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

  /**
   * The pod waits 4 s for a node (its start timeout is 2 s, which stands still meanwhile): the
   * session opens, and its progress stream says why it took long — the scheduler's and the
   * autoscaler's events, before the session was READY.
   */
  @Test
  void aSessionWaitingForANodeOpensOnceTheAutoscalerAddsOneAndItsStreamSaysWhy() throws Exception {
    String id = Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"cluster-project\",\"type\":\"autoscaled\"}")
        .expect(202).json().getString("id");
    List<String[]> events = Api.readSse(gss + "/api/v1/sessions/" + id + "/events", token, null, "SessionReady");
    List<JsonObject> notes = events.stream().filter(e -> e[1].equals("ServiceProgress")).map(e -> new JsonObject(e[2]))
        .toList();
    List<String> reasons = notes.stream().map(n -> n.getString("reason")).toList();
    assertTrue(reasons.indexOf("FailedScheduling") >= 0 && reasons.indexOf("FailedScheduling") < reasons.indexOf(
        "TriggeredScaleUp"), events.stream().map(e -> e[2]).toList().toString());
    assertEquals("kriging", notes.get(0).getString("service"));
    assertEquals("0/3 nodes are available: 3 Insufficient memory.", notes.get(0).getString("message"));
    Api.delete(gss + "/api/v1/sessions/" + id, token).expect(202);
    Api.await("session CLOSED", Duration.ofSeconds(60), () -> "CLOSED".equals(session(id).getString("state")));
  }

  /**
   * Profiles through the public API: listed in /api/v1/info; the default one when the open names
   * none; a GPU profile limited to a group — refused to a user outside it (AUTH says which groups),
   * opened for a member, its pod asking for the GPU on the GPU nodes; an unknown one refused.
   */
  @Test
  void aProfilePicksTheResourcesAndNodesOfTheSessionsPodAndIsForItsGroups() {
    JsonObject info = Api.get(gss + "/api/v1/info", null).expect(200).json();
    JsonObject gpuType = info.getJsonArray("sessionTypes").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("name").equals("gpu")).findFirst().orElseThrow();
    assertEquals("cpu", gpuType.getString("defaultProfile"));
    assertEquals(List.of("cpu", "a100"), gpuType.getJsonArray("profiles").stream()
        .map(p -> ((JsonObject) p).getString("name")).toList());

    String auth = platform.url(platform.ports().auth());
    Api.post(auth + "/api/v1/users", token, "{\"username\":\"carol\",\"password\":\"carol-secret-1\"}").expect(201);
    Api.send("PUT", auth + "/api/v1/projects/cluster-project/grants", token, "{\"user\":\"carol\",\"role\":\"editor\"}")
        .expect(200);
    String carol = Api.post(auth + "/api/v1/login", null, "{\"username\":\"carol\",\"password\":\"carol-secret-1\"}")
        .expect(200).json().getString("accessToken");
    String open = "{\"project\":\"cluster-project\",\"type\":\"gpu\",\"profile\":\"a100\"}";
    JsonObject refused = Api.post(gss + "/api/v1/sessions", carol, open).expect(403).json();
    assertEquals("profile 'a100' is for members of gpu-users", refused.getString("message"), refused.encode());
    JsonObject unknown = Api.post(gss + "/api/v1/sessions", carol,
        "{\"project\":\"cluster-project\",\"type\":\"gpu\",\"profile\":\"h100\"}").expect(400).json();
    assertTrue(unknown.getString("message").contains("has no profile 'h100'; its profiles: cpu, a100"), unknown.encode());

    Api.post(auth + "/api/v1/groups", token, "{\"name\":\"gpu-users\"}").expect(201);
    Api.send("PUT", auth + "/api/v1/groups/gpu-users/members/carol", token, null).expect(204);
    JsonObject opened = Api.post(gss + "/api/v1/sessions", carol, open).expect(202).json();
    assertEquals("a100", opened.getString("profile"));
    String id = opened.getString("id");
    Api.await("session READY", Duration.ofSeconds(60), () -> "READY".equals(session(id).getString("state")));
    Pod pod = api.pods(id).get(0);
    assertEquals("1", pod.getSpec().getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu").toString());
    assertEquals(Map.of("accelerator", "a100"), pod.getSpec().getNodeSelector());
    assertEquals("nvidia.com/gpu", pod.getSpec().getTolerations().get(0).getKey());

    String byDefault = Api.post(gss + "/api/v1/sessions", carol, "{\"project\":\"cluster-project\",\"type\":\"gpu\"}")
        .expect(202).json().getString("id");
    assertEquals("cpu", session(byDefault).getString("profile"));
    Api.await("session READY", Duration.ofSeconds(60), () -> "READY".equals(session(byDefault).getString("state")));
    assertEquals(null, api.pods(byDefault).get(0).getSpec().getContainers().get(0).getResources().getLimits()
        .get("nvidia.com/gpu"), "the CPU profile asks for no GPU");
    for (String s : List.of(id, byDefault)) {
      Api.delete(gss + "/api/v1/sessions/" + s, token).expect(202);
      Api.await("session CLOSED", Duration.ofSeconds(60), () -> "CLOSED".equals(session(s).getString("state")));
    }
  }

  @Test
  void aSessionNoNodeEverFitsFailsAtTheEndOfItsGraceWithTheSchedulersReason() {
    String id = Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"cluster-project\",\"type\":\"nonode\"}")
        .expect(202).json().getString("id");
    Api.await("session FAILED", Duration.ofSeconds(60), () -> "FAILED".equals(session(id).getString("state")));
    String reason = session(id).getString("reason");
    assertTrue(reason.contains("Unschedulable: 0/3 nodes are available") && reason.contains("still after 1 s"), reason);
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

  @Test
  @Order(1)
  void podsOfSessionsThatAreOverOrUnknownAreRemoved() {
    String closed = Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"cluster-project\"}").expect(202)
        .json().getString("id");
    Api.await("session READY", Duration.ofSeconds(60), () -> "READY".equals(session(closed).getString("state")));
    Api.delete(gss + "/api/v1/sessions/" + closed, token).expect(202);
    Api.await("session CLOSED", Duration.ofSeconds(60), () -> "CLOSED".equals(session(closed).getString("state")));
    // Pods as an LSS that crashed at the wrong moment would leave them: of the closed session, and
    // of a session the GSS never heard of.
    ServiceSpec spec = ServiceSpec.ofImage("kriging", "registry.example/ot-compute:ok", Duration.ofSeconds(30));
    PodModel.Target crashed = new PodModel.Target(NS, "crashed-lss", 3600);
    String ghost = java.util.UUID.randomUUID().toString();
    api.client.pods().inNamespace(NS).resource(PodModel.build(closed, spec, 1, crashed)).create();
    api.client.pods().inNamespace(NS).resource(PodModel.build(ghost, spec, 0, crashed)).create();
    Api.await("the planted pods removed", Duration.ofSeconds(60),
        () -> api.pods(closed).isEmpty() && api.pods(ghost).isEmpty());
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void whenTheLssStopsAnotherFinishesItsSessionsWithTheSamePods() throws Exception {
    ServiceLauncher.Running first = platform.services().stream().filter(s -> s.name().equals("lss")).findFirst()
        .orElseThrow();
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"cluster-project\",\"type\":\"late\"}")
          .expect(202).json().getString("id"));
    }
    // Pods of type "late" are ready 3 s after creation: the LSS dies while it opens them.
    Api.await("the platform's LSS starting every session", Duration.ofSeconds(30), () -> ids.stream()
        .allMatch(id -> "cluster-test".equals(service(id).getString("lss"))));
    platform.startReplica("lss", Map.of("OT_INSTANCE_ID", "lss-b"));
    platform.stop(first);

    Api.await("every session READY on lss-b", Duration.ofSeconds(90), () -> ids.stream().allMatch(id ->
        "READY".equals(session(id).getString("state")) && "lss-b".equals(service(id).getString("lss"))
            && "READY".equals(service(id).getString("state"))));
    for (String id : ids) {
      List<Pod> pods = api.pods(id);
      assertEquals(1, pods.size(), "one pod for session " + id + ", not a second one: " + pods.stream()
          .map(p -> p.getMetadata().getName()).toList());
      assertEquals("cluster-test", pods.get(0).getMetadata().getLabels().get(PodModel.LSS),
          "the pod the first LSS created, adopted");
      assertEquals("10.1.2.3:8080", service(id).getString("endpoint"));
    }
    List<String[]> events = Api.readSse(gss + "/api/v1/sessions/" + ids.get(0) + "/events", token, null,
        "SessionHandedOver");
    assertTrue(events.get(events.size() - 1)[2].contains("cluster-test"), events.get(events.size() - 1)[2]);

    JsonArray lss = Api.get(gss + "/api/v1/admin/lss", token).expect(200).json().getJsonArray("lss");
    Map<String, String> status = new java.util.HashMap<>();
    lss.forEach(o -> status.put(((JsonObject) o).getString("id"), ((JsonObject) o).getString("status")));
    assertEquals("up", status.get("lss-b"), lss.encode());
    assertEquals("lost", status.get("cluster-test"), lss.encode());
    Api.await("lss-b reporting the sessions it adopted", Duration.ofSeconds(30), () -> {
      JsonArray all = Api.get(gss + "/api/v1/admin/lss", token).expect(200).json().getJsonArray("lss");
      return all.stream().map(JsonObject.class::cast).filter(o -> o.getString("id").equals("lss-b"))
          .anyMatch(o -> o.getJsonArray("sessions").getList().containsAll(ids));
    });
  }

  private JsonObject service(String id) {
    return session(id).getJsonArray("services").getJsonObject(0);
  }
}
