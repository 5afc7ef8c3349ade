package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.otplatform.common.service.ServiceLauncher;

/**
 * Two GSS and two relay replicas on one platform: they behave as one — a session opened through
 * one GSS streams live from the other, front ends of one session on different relays see each
 * other's pushes — and a GSS stopped in the middle of an open loses nothing (last, as it stops the
 * platform's own GSS).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class ReplicasTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private EmbeddedPlatform platform;
  private String gssA;
  private String gssB;
  private String relayA;
  private String relayB;
  private String token;

  @BeforeAll
  void start() {
    OwnPlatform own = OwnPlatform.start(Map.of("OT_INSTANCE_ID", "replicas", "OT_LSS_HEARTBEAT_SECONDS", "1",
        "OT_GSS_MAX_SESSIONS_PER_USER", "20"), "replicas");
    platform = own.platform;
    token = own.token;
    gssA = own.gss;
    relayA = "ws://127.0.0.1:" + platform.ports().relay();
    gssB = platform.url(platform.startReplica("gss", Map.of("OT_INSTANCE_ID", "gss-b")).port());
    relayB = "ws://127.0.0.1:" + platform.startReplica("relay", Map.of("OT_INSTANCE_ID", "relay-b")).port();
    Api.await("GSS ready", Duration.ofSeconds(90), () -> Api.get(gssB + "/health/ready", null).status() == 200);
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  private String open(String gss) {
    return Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"replicas\",\"type\":\"echo\"}").expect(202)
        .json().getString("id");
  }

  @Test
  @Order(1)
  void aSessionOpenedThroughOneGssStreamsLiveFromTheOther() throws Exception {
    var pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<List<String[]>>> streams = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      // Several sessions, so that both replicas fold some of them (the group splits the partitions).
      for (int i = 0; i < 4; i++) {
        String id = open(gssB);
        ids.add(id);
        streams.add(CompletableFuture.supplyAsync(() -> {
          try {
            return Api.readSse(gssA + "/api/v1/sessions/" + id + "/events", token, null, "SessionReady");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      for (int i = 0; i < ids.size(); i++) {
        List<String[]> events = streams.get(i).get(90, TimeUnit.SECONDS);
        for (int j = 0; j < events.size(); j++) {
          assertEquals(String.valueOf(j + 1), events.get(j)[0], "every entry once, in order");
        }
        assertEquals("READY", Api.get(gssA + "/api/v1/sessions/" + ids.get(i), token).json().getString("state"));
        assertEquals("READY", Api.get(gssB + "/api/v1/sessions/" + ids.get(i), token).json().getString("state"));
      }
      for (String id : ids) {
        Api.delete(gssA + "/api/v1/sessions/" + id, token).expect(202);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(2)
  void frontEndsOnDifferentRelaysShareASession() throws Exception {
    String id = open(gssA);
    Api.await("session READY", DEADLINE,
        () -> "READY".equals(Api.get(gssB + "/api/v1/sessions/" + id, token).json().getString("state")));
    try (WsProbe one = WsProbe.connect(relayA + "/ws/sessions/" + id, token);
         WsProbe other = WsProbe.connect(relayB + "/ws/sessions/" + id, token)) {
      other.send(new JsonObject().put("to", "echo").put("id", "joined").put("action", "ping"));
      assertEquals("joined", other.next(DEADLINE).getString("re"));
      one.send(new JsonObject().put("to", "echo").put("id", 1).put("action", "push")
          .put("payload", new JsonObject().put("count", 3)));
      for (int i = 0; i < 3; i++) {
        JsonObject tick = other.next(DEADLINE);
        assertNotNull(tick, "the other relay's front end gets the pushes");
        assertEquals("tick", tick.getString("event"), tick.encode());
        assertEquals(i, tick.getJsonObject("payload").getInteger("n"));
      }
      Api.delete(gssB + "/api/v1/sessions/" + id, token).expect(202);
      assertEquals(4410, one.closeCode(DEADLINE), "both relays close the ended session's front ends");
      assertEquals(4410, other.closeCode(DEADLINE));
    }
  }

  @Test
  @Order(3)
  void aDrainedLssTakesNoNewSessionsAndKeepsItsOwnUntilTheyClose() {
    platform.startReplica("lss", Map.of("OT_INSTANCE_ID", "lss-b"));
    Api.await("both LSS instances up", DEADLINE, () -> List.of("up", "up").equals(lssStatus("replicas", "lss-b")));
    String kept = open(gssA);
    Api.await("session READY", DEADLINE, () -> "READY".equals(session(kept).getString("state")));
    String drained = service(kept).getString("lss");
    String other = drained.equals("replicas") ? "lss-b" : "replicas";

    Api.post(gssA + "/api/v1/admin/lss/" + drained + "/drain", token, "").expect(202);
    Api.await(drained + " draining", DEADLINE, () -> "draining".equals(lssStatus(drained, other).get(0)));
    List<String> fresh = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      fresh.add(open(i % 2 == 0 ? gssA : gssB));
    }
    Api.await("the new sessions READY", DEADLINE,
        () -> fresh.stream().allMatch(id -> "READY".equals(session(id).getString("state"))));
    for (String id : fresh) {
      assertEquals(other, service(id).getString("lss"), "no new session on the drained LSS");
    }
    assertEquals("READY", session(kept).getString("state"), "its own session goes on");
    Api.delete(gssA + "/api/v1/sessions/" + kept, token).expect(202);
    Api.await("its session closed by the drained LSS", DEADLINE,
        () -> "CLOSED".equals(session(kept).getString("state")));

    Api.delete(gssA + "/api/v1/admin/lss/" + drained + "/drain", token).expect(202);
    Api.await(drained + " taking sessions again", DEADLINE, () -> "up".equals(lssStatus(drained, other).get(0)));
    Api.post(gssA + "/api/v1/admin/lss/no-such-lss/drain", token, "").expect(404);
    fresh.forEach(id -> Api.delete(gssA + "/api/v1/sessions/" + id, token).expect(202));
  }

  private JsonObject session(String id) {
    return Api.get(gssA + "/api/v1/sessions/" + id, token).expect(200).json();
  }

  private JsonObject service(String id) {
    return session(id).getJsonArray("services").getJsonObject(0);
  }

  /** The registry's status of each LSS named, as the GSS reports it (null when unknown). */
  private List<String> lssStatus(String... ids) {
    JsonObject view = Api.get(gssA + "/api/v1/admin/lss", token).expect(200).json();
    Map<String, String> status = new java.util.HashMap<>();
    view.getJsonArray("lss").forEach(o -> status.put(((JsonObject) o).getString("id"),
        ((JsonObject) o).getString("status")));
    return java.util.Arrays.stream(ids).map(status::get).toList();
  }

  @Test
  @Order(4)
  void aLoggerRestartLosesAndDuplicatesNoRecord() throws Exception {
    ServiceLauncher.Running logger = platform.services().stream().filter(s -> s.name().equals("logger"))
        .findFirst().orElseThrow();
    String service = "restart-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    List<JsonObject> before = new ArrayList<>();
    List<JsonObject> during = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      (i < 100 ? before : during).add(LogRecords.record(service, "record " + i));
    }
    LogRecords.produce(platform, before);
    platform.stop(logger);
    // Written while no logger runs; the first 100 again, as a producer retry would.
    LogRecords.produce(platform, during);
    LogRecords.produce(platform, before);
    String next = platform.url(platform.startReplica("logger", Map.of("OT_INSTANCE_ID", "logger-b")).port());
    String query = next + "/api/v1/logs?service=" + service + "&limit=1000";
    Api.await("all 200 records stored", DEADLINE,
        () -> Api.get(query, token).expect(200).json().getJsonArray("records").size() >= 200);
    List<String> messages = new ArrayList<>();
    Api.get(query, token).json().getJsonArray("records").forEach(o -> messages.add(((JsonObject) o)
        .getString("message")));
    assertEquals(200, messages.size(), "each record once");
    assertEquals(200, new java.util.HashSet<>(messages).size());
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void aGssStoppedDuringAnOpenLosesNothingAndItsStreamResumesElsewhere() throws Exception {
    ServiceLauncher.Running first = platform.services().stream().filter(s -> s.name().equals("gss")).findFirst()
        .orElseThrow();
    String id = open(gssA);
    // The client has seen the open request, then its GSS goes away mid-open.
    List<String[]> seen = Api.readSse(gssA + "/api/v1/sessions/" + id + "/events", token, null,
        "SessionOpenRequested");
    platform.stop(first);
    Api.await("the session READY through the remaining replica", DEADLINE,
        () -> "READY".equals(Api.get(gssB + "/api/v1/sessions/" + id, token).json().getString("state")));
    List<String[]> rest = Api.readSse(gssB + "/api/v1/sessions/" + id + "/events", token,
        seen.get(seen.size() - 1)[0], "SessionReady");
    assertEquals(String.valueOf(seen.size() + 1), rest.get(0)[0], "resumed right after the last entry seen");
    List<String> types = rest.stream().map(e -> e[1]).toList();
    assertEquals(1, types.stream().filter("SessionReady"::equals).count(), types.toString());
    assertTrue(types.contains("ServiceReady"), types.toString());
    JsonObject session = Api.get(gssB + "/api/v1/sessions/" + id, token).json();
    assertEquals(1, session.getJsonArray("services").size(), "no service doubled");
  }
}
