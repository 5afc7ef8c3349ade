package org.otplatform.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The new-session queue end to end, with one LSS of capacity 1 that reports its load in its
 * heartbeats: a second session waits with its place and the reason (also on its event stream) and
 * opens when the first closes. The queue's rules — order, deadline, limits — are unit-tested in
 * the GSS ({@code QueueRulesTest}, {@code AdmissionTest}) without a broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class QueueTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private OwnPlatform own;
  private String gss;
  private String token;

  @BeforeAll
  void start() {
    own = OwnPlatform.start(Map.of("OT_INSTANCE_ID", "queue", "OT_LSS_CAPACITY", "1", "OT_LSS_HEARTBEAT_SECONDS", "1",
        "OT_GSS_LSS_LOST_SECONDS", "3", "OT_GSS_SWEEP_SECONDS", "1"), "queue");
    gss = own.gss;
    token = own.token;
    Api.await("the GSS to know its LSS", DEADLINE, () -> {
      JsonObject view = Api.get(gss + "/api/v1/admin/lss", token).expect(200).json();
      return view.getBoolean("complete") && view.getJsonArray("lss").size() == 1;
    });
  }

  @AfterAll
  void stop() {
    if (own != null) {
      own.close();
    }
  }

  private String open() {
    return Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"queue\",\"type\":\"echo\"}").expect(202)
        .json().getString("id");
  }

  private JsonObject session(String id) {
    return Api.get(gss + "/api/v1/sessions/" + id, token).expect(200).json();
  }

  @Test
  void aSessionWaitsForAFreeSlotAndOpensWhenOneFrees() throws Exception {
    String first = open();
    Api.await("the first session READY", DEADLINE, () -> "READY".equals(session(first).getString("state")));

    JsonObject second = Api.post(gss + "/api/v1/sessions", token, "{\"project\":\"queue\",\"type\":\"echo\"}")
        .expect(202).json();
    assertEquals("OPENING", second.getString("state"));
    assertEquals(1, second.getJsonObject("queue").getInteger("position"), second.encode());
    assertTrue(second.getJsonObject("queue").getString("reason").contains("all 1 session slots"), second.encode());
    List<String[]> events = Api.readSse(gss + "/api/v1/sessions/" + second.getString("id") + "/events", token,
        null, "SessionQueued");
    assertTrue(events.get(events.size() - 1)[2].contains("session slots"), events.get(events.size() - 1)[2]);
    // What the LSS autoscaler reads: one session run by the LSS, which has room for one, and one queued.
    String lssMetrics = own.platform.url(own.platform.ports().lss()) + "/metrics";
    Api.await("the queue in the GSS's metrics", DEADLINE,
        () -> Api.get(gss + "/metrics", null).expect(200).body().lines().anyMatch("ot_sessions_queued{pool=\"default\"} 1.0"::equals));
    List<String> lss = Api.get(lssMetrics, null).expect(200).body().lines().toList();
    assertTrue(lss.contains("ot_lss_sessions{pool=\"default\"} 1.0") && lss.contains("ot_lss_capacity{pool=\"default\"} 1.0"),
        lss.stream().filter(l -> l.startsWith("ot_lss")).toList().toString());

    Api.delete(gss + "/api/v1/sessions/" + first, token).expect(202);
    Api.await("the second session dispatched and READY", DEADLINE,
        () -> "READY".equals(session(second.getString("id")).getString("state")));
    assertTrue(!session(second.getString("id")).containsKey("queue"));
    // The open went out when the session left the queue, in the trace of the request that queued it.
    Api.await("the queued session's trace down to the GSS handling ServiceReady", DEADLINE, () ->
        Api.get(gss + "/api/v1/admin/sessions/" + second.getString("id") + "/traces", token).expect(200).json()
            .getJsonArray("traces").stream().anyMatch(t -> TracingTest.chain((JsonObject) t) != null));
    Api.await("the queue empty in the GSS's metrics", DEADLINE,
        () -> Api.get(gss + "/metrics", null).expect(200).body().lines().anyMatch("ot_sessions_queued{pool=\"default\"} 0.0"::equals));
    Api.delete(gss + "/api/v1/sessions/" + second.getString("id"), token).expect(202);
  }
}
